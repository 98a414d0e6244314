// Lint: type-aware typescript-eslint everywhere; the workflow sandbox gets stricter import rules.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'https',
  'net',
  'os',
  'path',
  'process',
  'stream',
  'timers',
  'timers/promises',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

/**
 * The rooms of src/, top to bottom, as docs/architecture.md lists them: a room imports only rooms
 * below it, so no arrow climbs back. Each with what lint says when one does.
 */
const ROOMS = [
  ['cli', 'the courant command starts workflows through src/client.'],
  ['serve', 'the console never imports the CLI.'],
  ['workers', 'the worker bootstrap is imported by the CLI only.'],
  ['workflows', 'workflows import @temporalio/workflow, src/workflow-safe and types.'],
  ['activities', 'activities never import workflows, the CLI or the worker (shared types live in src/workflow-safe).'],
  ['observability', 'observability is imported by the worker and the activities, never the reverse.'],
  ['schedules', 'schedules are code the CLI applies.'],
  ['sftp', 'an SFTP connection knows its configuration only.'],
  ['client', 'the client names workflows by the signatures in src/workflow-safe/workflow-types.ts.'],
  ['reports', 'the report shell renders what the datasets give through their contract.'],
  ['quality', "quality checks run over a dataset's tables."],
  ['billing', "billing reads the datasets' stored tables and its rates, for the CLI and the console."],
  ['day-status', "a day's status comes from its record alone."],
  ['stack', 'the embedded servers know their configuration only.'],
  ['storage', 'the stores know their configuration and faults only.'],
  ['datasets', 'a dataset module sees local files and DuckDB only: no storage, no Temporal, no reports.'],
  ['config', 'the configuration reads modules by its own interface.'],
  ['faults', 'faults of the machine or the configuration name what to fix.'],
  ['duckdb', 'DuckDB helpers know nothing of courant.'],
  ['cost', 'the cost ledger knows nothing of courant: every room may name a stage of its work.'],
  ['workflow-safe', 'it is imported by workflows: it imports nothing but itself.'],
];

const roomZones = ROOMS.slice(1).map(([room, why], i) => ({
  target: `./src/${room}`,
  from: ROOMS.slice(0, i + 1).map(([above]) => `./src/${above}`),
  message: `src/${room} imports only the rooms below it (docs/architecture.md): ${why}`,
}));

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.courant/', 'data/', 'dist/', 'scripts/ferretdb/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...roomZones,
            {
              target: './src/serve',
              from: [
                './src/workers',
                './src/workflows',
                './src/activities',
                './src/schedules',
                './src/client',
                './src/stack',
              ],
              message:
                'The console reads the stores only: no worker, workflows, activities, schedules, client or embedded servers.',
            },
            {
              target: './src/reports',
              from: './src/datasets',
              except: ['./contract.ts', './report-contract.ts', './report-views.ts', './modules.ts', './capabilities'],
              message: 'Reports import no dataset: sections come through the dataset contract.',
            },
          ],
        },
      ],
      'no-console': 'error',
    },
    settings: { 'import-x/resolver': { typescript: true, node: true } },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.flatMap((name) => [
              { name, message: 'Workflows are deterministic: no Node built-ins.' },
              { name: `node:${name}`, message: 'Workflows are deterministic: no Node built-ins.' },
            ]),
            { name: 'zod', message: 'Validate workflow input with the pure checks in src/workflow-safe/inputs.ts.' },
            { name: '@temporalio/client', message: 'Workflows use @temporalio/workflow only.' },
            { name: '@temporalio/worker', message: 'Workflows use @temporalio/workflow only.' },
            { name: '@temporalio/activity', message: 'Workflows use @temporalio/workflow only.' },
            { name: 'mongodb', message: 'Workflows do no I/O: call an activity.' },
            { name: '@duckdb/node-api', message: 'Workflows do no I/O: call an activity.' },
            { name: 'pino', message: 'Use log from @temporalio/workflow inside workflows.' },
          ],
          patterns: [
            { group: ['**/config', '**/config/**'], message: 'Workflows never read configuration.' },
            {
              group: [
                '**/activities/**',
                '**/storage/**',
                '**/datasets/**',
                '**/workers/**',
                '**/cli/**',
                '**/stack/**',
              ],
              allowTypeImports: true,
              message: 'Workflows import activity/storage types only.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep from @temporalio/workflow.' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name=/^proxy(Local)?Activities$/][arguments.0.type!='CallExpression']",
          message:
            'Ask src/workflows/activity-options.ts for the options of a kind of activity: none written inline or kept aside.',
        },
      ],
    },
  },
  {
    files: ['src/datasets/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@temporalio/*', 'mongodb', '@aws-sdk/*'],
              message: 'Dataset modules are plain code: no Temporal, no storage clients.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.mjs', 'bin/*.js'],
    ...tseslint.configs.disableTypeChecked,
    // Its parser options kept (no project service): these plain JS files need no type information.
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { process: 'readonly' } },
  },
);
