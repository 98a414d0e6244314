/**
 * Overlapping `--mode missing` backfills on the real dev server: each day is re-checked just
 * before it starts, so three backfills over shared days start exactly one run per day — a day
 * running elsewhere is attached to, a day finished elsewhere is skipped and counted.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackfill } from '../../src/client/start-backfill.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { uniqueName } from '../support/names.js';
import { emptyExport, syntheticRealtimeExport } from '../support/synthetic-eco2mix.js';
import { startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const RANGES = [
  ['2022-03-01', '2022-03-16'],
  ['2022-03-06', '2022-03-21'],
  ['2022-03-11', '2022-03-26'],
] as const;

let odre: OdreServer;
let harness: TestWorkerHarness;

beforeAll(async () => {
  odre = await startOdreServer({
    'eco2mix-national-tr': syntheticRealtimeExport('2022-03-01', '2022-03-26'),
    'eco2mix-national-cons-def': emptyExport(),
  });
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
});

afterAll(async () => {
  await harness.close();
  await odre.close();
});

describe('three overlapping backfills of missing days', () => {
  it('start exactly one run per day, and account for every planned day', async () => {
    const handles = await Promise.all(
      RANGES.map(([from, to]) =>
        startBackfill(
          harness.client,
          { from, to, mode: 'missing', parallel: 2, perDay: true },
          uniqueName('overlap'),
          harness.config.temporal.taskQueue,
        ),
      ),
    );
    const summaries = await Promise.all(handles.map((h) => h.result()));

    // Every day was run by exactly one backfill: the others attached to it or skipped it.
    const started = new Map<string, number>();
    for (const handle of handles) {
      const { events } = await handle.fetchHistory();
      for (const event of events ?? []) {
        const id = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
        if (id) started.set(id, (started.get(id) ?? 0) + 1);
      }
    }
    const days = datesInRange('2022-03-01', '2022-03-26');
    expect([...started.keys()].sort()).toEqual(days.map((d) => `daily/${d}`));
    expect(new Set(started.values())).toEqual(new Set([1]));

    for (const [i, summary] of summaries.entries()) {
      expect(summary.failed, `backfill ${i}`).toBe(0);
      expect(summary.succeeded + (summary.skipped ?? 0), `backfill ${i}`).toBe(summary.planned);
    }
    expect(summaries.reduce((n, s) => n + (s.skipped ?? 0), 0)).toBeGreaterThan(0);
    const runs = await harness.resources.deps.records.listDayRuns({ from: '2022-03-01', to: '2022-03-26' });
    expect(runs.map((r) => r.status)).toEqual(days.map(() => 'succeeded'));

    const middle = handles[1];
    if (process.env.RECORD_HISTORIES === '1' && middle) {
      await writeFile('test/replay/histories/backfill-recheck.json', historyToJSON(await middle.fetchHistory()));
    }
  });
});
