import { defineConfig } from 'vitest/config';

/**
 * Tests run in three tiers, chosen by folder: a file dropped into a tier's folder runs in it.
 *   unit         pure code: no server, no workflow bundle, no Temporal runtime
 *   integration  on the real servers (Temporal dev server, document store, MinIO, DynamoDB Local)
 *   e2e          whole processes end to end: workers killed mid-day, the demo, the Web UI
 * `npx vitest run --project unit` runs one tier; the servers start only for the tiers that run.
 */
const UNIT = ['test/unit/**/*.test.ts', 'test/deploy/**/*.test.ts'];
const E2E = ['test/e2e/**/*.test.ts'];
/** Generous: the suite runs on two shared cores, its files side by side. */
const TIMEOUTS = { testTimeout: 120_000, hookTimeout: 180_000 };
/** The servers' teardown replays every history the tests produced (test/support/global-setup.ts): a minute or two. */
const TEARDOWN_TIMEOUT_MS = 600_000;

export default defineConfig({
  test: {
    teardownTimeout: TEARDOWN_TIMEOUT_MS,
    projects: [
      {
        test: {
          name: 'unit',
          include: UNIT,
          ...TIMEOUTS,
          pool: 'forks',
          // Each file gets fresh modules and mocks, also in a fork that ran another file before it
          // (the suite's unit job reuses forks: `--poolOptions.forks.isolate=false`, scripts/test.sh).
          isolate: true,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...UNIT, ...E2E],
          globalSetup: ['test/support/global-setup-integration.ts'],
          setupFiles: ['test/support/quiet-runtime.ts'],
          ...TIMEOUTS,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: E2E,
          globalSetup: ['test/support/global-setup-e2e.ts'],
          setupFiles: ['test/support/quiet-runtime.ts'],
          ...TIMEOUTS,
          pool: 'forks',
        },
      },
    ],
  },
});
