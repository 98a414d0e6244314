/**
 * Many files for one day, on the real dev server and document store, with a worker of four
 * activity slots: `courant ingest --dir` of sixteen R151 files of one day (distinct PRMs) ends with
 * every file ingested and the day run a few times with all of them — never once per file, and never
 * a worker whose slots all wait on the day's run while that run waits for a slot.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxKeys, workflowIds } from '../../src/workflow-safe/keys.js';
import { r151Flow } from '../support/enedis-flows.js';
import { runCommandLine } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

/** More files than slots: before ingestions shared a day's runs, their waits filled the four. */
const FILES = 16;
const SLOTS = 4;
// Days no other test file runs: `daily/{date}` is one workflow ID in the namespace.
const BEFORE = '2019-02-12';
const DAY = '2019-02-13';

let harness: TestWorkerHarness;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-ingest-many-'));
  harness = await startTestWorker(await testConfig(), { activitySlots: SLOTS });
});

afterAll(async () => {
  await harness.close();
  await rm(dir, { recursive: true, force: true });
});

async function runsOf(workflowId: string): Promise<number> {
  const runs: string[] = [];
  for await (const run of harness.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push(run.runId);
  return runs.length;
}

describe('many files for one day', () => {
  it('are ingested together: every file read, the day run a few times with all of them, no slot waiting', async () => {
    const flows = path.join(dir, 'flows');
    await mkdir(flows);
    for (let i = 0; i < FILES; i += 1) {
      const prm = String(30_000_000_000_000 + i);
      const flow = r151Flow([
        { prm, date: BEFORE, wh: { BASE: 1_000_000 } },
        { prm, date: DAY, wh: { BASE: 1_000_000 + 1_000 * (i + 1) } },
      ]);
      await writeFile(path.join(flows, `R151_${String(i).padStart(2, '0')}.xml`), flow);
    }

    const r = await runCommandLine(['ingest', '--dataset', 'enedis', '--dir', flows, '--wait'], cliEnv(harness.config));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout.match(/all succeeded/g)).toHaveLength(FILES);
    expect(await harness.resources.deps.objects.list(inboxKeys.folder('enedis'))).toEqual([]);

    const records = harness.resources.deps.records;
    const days = (await records.listDayRuns({ from: BEFORE, to: '2019-02-14', datasets: ['enedis'] })).filter(
      (run) => run.status === 'succeeded',
    );
    expect(days.length).toBeGreaterThan(0);
    for (const day of days) {
      // Every file's readings are among the day's inputs; the day ran far fewer times than files.
      expect(day.inputs).toHaveLength(FILES);
      expect(await runsOf(workflowIds.daily(day.date))).toBeLessThan(FILES / 2);
    }
    const coordinated = await runsOf(workflowIds.dayIngestion('enedis', DAY));
    expect(coordinated).toBeGreaterThan(0);
  });
});
