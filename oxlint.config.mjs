// Lint (`npm run lint`: `oxlint -c oxlint.config.mjs`), one pass: ESLint's recommended rules and
// typescript-eslint's recommendedTypeChecked, natively in oxlint, their type-aware half run by
// oxlint-tsgolint on TypeScript 7; import cycles; the rooms of src/ (eslint-plugin-import-x's rule, run
// as an oxlint JS plugin); the workflow sandbox's stricter imports. docs/development.md#lint says why.

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

/** typescript-eslint's recommendedTypeChecked rules that need the program's types. */
const typeAwareRules = [
  'await-thenable',
  'no-array-delete',
  'no-base-to-string',
  'no-duplicate-type-constituents',
  'no-floating-promises',
  'no-for-in-array',
  'no-implied-eval',
  'no-misused-promises',
  'no-redundant-type-constituents',
  'no-unnecessary-type-assertion',
  'no-unsafe-argument',
  'no-unsafe-assignment',
  'no-unsafe-call',
  'no-unsafe-enum-comparison',
  'no-unsafe-member-access',
  'no-unsafe-return',
  'no-unsafe-unary-minus',
  'only-throw-error',
  'prefer-promise-reject-errors',
  'require-await',
  'restrict-plus-operands',
  'restrict-template-expressions',
  'unbound-method',
];

/** ESLint's recommended rules that typescript-eslint turns off for TypeScript, as the compiler checks them. */
const compilerCheckedRules = [
  'constructor-super',
  'getter-return',
  'no-class-assign',
  'no-const-assign',
  'no-dupe-class-members',
  'no-dupe-keys',
  'no-func-assign',
  'no-import-assign',
  'no-new-native-nonconstructor',
  'no-obj-calls',
  'no-setter-return',
  'no-this-before-super',
  'no-undef',
  'no-unreachable',
  'no-unsafe-negation',
  'no-with',
];

const errors = (names, prefix = '') => Object.fromEntries(names.map((name) => [`${prefix}${name}`, 'error']));
const off = (names, prefix = '') => Object.fromEntries(names.map((name) => [`${prefix}${name}`, 'off']));

export default {
  // Only the rules named here: oxlint's own defaults (its correctness category) are off.
  plugins: ['eslint', 'typescript', 'import'],
  jsPlugins: [{ name: 'import-x-js', specifier: 'eslint-plugin-import-x' }, './scripts/lint-rules.mjs'],
  categories: { correctness: 'off' },
  options: { typeAware: true },
  ignorePatterns: [
    'node_modules/',
    '.tools/',
    '.courant/',
    'data/',
    'dist/',
    'scripts/ferretdb/',
    'test-artifacts/',
    'coverage/',
    'bench/profiles/',
  ],
  settings: { 'import-x/resolver': { typescript: true, node: true } },
  rules: {
    // ESLint's recommended rules, as typescript-eslint keeps them for TypeScript.
    ...errors([
      'for-direction',
      'no-async-promise-executor',
      'no-case-declarations',
      'no-compare-neg-zero',
      'no-constant-binary-expression',
      'no-control-regex',
      'no-debugger',
      'no-delete-var',
      'no-dupe-else-if',
      'no-duplicate-case',
      'no-empty',
      'no-empty-character-class',
      'no-empty-pattern',
      'no-empty-static-block',
      'no-ex-assign',
      'no-extra-boolean-cast',
      'no-fallthrough',
      'no-global-assign',
      'no-invalid-regexp',
      'no-irregular-whitespace',
      'no-loss-of-precision',
      'no-misleading-character-class',
      'no-nonoctal-decimal-escape',
      'no-prototype-builtins',
      'no-regex-spaces',
      'no-self-assign',
      'no-shadow-restricted-names',
      'no-sparse-arrays',
      'no-unexpected-multiline',
      'no-unsafe-finally',
      'no-unsafe-optional-chaining',
      'no-unused-labels',
      'no-unused-private-class-members',
      'no-useless-backreference',
      'no-useless-catch',
      'no-useless-escape',
      'require-yield',
      'use-isnan',
      'valid-typeof',
      // typescript-eslint's additions for TypeScript, and its versions of two of ESLint's.
      'no-var',
      'prefer-const',
      'prefer-rest-params',
      'prefer-spread',
      'no-array-constructor',
      'no-unused-expressions',
    ]),
    'no-cond-assign': ['error', 'except-parens'],
    'no-constant-condition': ['error', { checkLoops: 'allExceptWhileTrue' }],
    'no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    'no-console': 'error',
    // typescript-eslint's recommended rules that need no types, and the project's own.
    ...errors(
      [
        'ban-ts-comment',
        'no-duplicate-enum-values',
        'no-empty-object-type',
        'no-explicit-any',
        'no-extra-non-null-assertion',
        'no-misused-new',
        'no-namespace',
        'no-non-null-asserted-optional-chain',
        'no-require-imports',
        'no-this-alias',
        'no-unnecessary-type-constraint',
        'no-unsafe-declaration-merging',
        'no-unsafe-function-type',
        'no-wrapper-object-types',
        'prefer-as-const',
        'prefer-namespace-keyword',
        'triple-slash-reference',
        'consistent-type-imports',
      ],
      'typescript/',
    ),
    ...errors(typeAwareRules, 'typescript/'),
    // A type-only import makes no cycle at run time (import-x's no-cycle ignored them too).
    'import/no-cycle': ['error', { ignoreTypes: true }],
    'import-x-js/no-restricted-paths': [
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
  },
  overrides: [
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
        'eslint-js/no-restricted-syntax': [
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
      // Plain JavaScript: outside the program, so no type-aware rules, and the rules the compiler
      // would otherwise cover; `process` its one global, as before.
      files: ['**/*.mjs', 'bin/*.js'],
      globals: { process: 'readonly' },
      rules: {
        ...off(typeAwareRules, 'typescript/'),
        ...off(['no-var', 'prefer-const', 'prefer-rest-params', 'prefer-spread']),
        ...errors(compilerCheckedRules),
        'no-redeclare': ['error', { builtinGlobals: true }],
      },
    },
  ],
};
