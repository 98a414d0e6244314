import { defineConfig } from 'vitest/config';
import { TEST_DEADLINE_MS, WAIT_DEADLINE_MS } from './test/support/deadlines.js';

/**
 * Tests run in three tiers, chosen by folder: a file dropped into a tier's folder runs in it.
 *   unit         pure code: no server, no workflow bundle, no Temporal runtime
 *   integration  on the real servers (Temporal dev server, document store, MinIO, DynamoDB Local)
 *   e2e          whole processes end to end: workers killed mid-day, the demo, the Web UI
 * `npx vitest run --project unit` runs one tier; the servers start only for the tiers that run.
 */
const UNIT = ['test/unit/**/*.test.ts', 'test/deploy/**/*.test.ts'];
const E2E = ['test/e2e/**/*.test.ts'];
/**
 * Deadlines against a hang, never a claim of speed (test/support/deadlines.ts): a test or hook, and
 * an `expect.poll` that names no timeout of its own.
 */
const DEADLINES = {
  testTimeout: TEST_DEADLINE_MS,
  hookTimeout: TEST_DEADLINE_MS,
  expect: { poll: { timeout: WAIT_DEADLINE_MS } },
};

export default defineConfig({
  test: {
    // The servers' teardown replays every history the tests produced (test/support/global-setup.ts).
    teardownTimeout: TEST_DEADLINE_MS,
    projects: [
      {
        test: {
          name: 'unit',
          include: UNIT,
          ...DEADLINES,
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
          ...DEADLINES,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: E2E,
          globalSetup: ['test/support/global-setup-e2e.ts'],
          setupFiles: ['test/support/quiet-runtime.ts'],
          ...DEADLINES,
          pool: 'forks',
        },
      },
    ],
  },
});
