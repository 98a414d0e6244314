/**
 * The snapshot collector on the real dev server, with a throw-away dataset collected during the
 * day (test/support/toy-snapshot-dataset/): a slot is taken once and kept, a source taken
 * once a day is not taken again, a refused body leaves its slot empty, a slot past its end is never
 * filled, and the day's run reads the slots it has — or says that an uncollected day has no data.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDay } from '../../src/client/start-day.js';
import { createCatalog } from '../../src/datasets/catalog.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { slotOf } from '../../src/workflow-safe/slots.js';
import type { CollectSnapshotsInput, CollectSnapshotsOutput } from '../../src/workflow-safe/snapshots.js';
import { uniqueName } from '../support/names.js';
import { WAIT_DEADLINE_MS } from '../support/deadlines.js';
import { startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { toySnapshots } from '../support/toy-snapshot-dataset/module.js';

const BODY = 'ts,value\n2024-01-01T00:00:00Z,7\n';

let server: Server;
let harness: TestWorkerHarness;
/** What the stand-in answers for values.csv, and how often each file was asked for. */
let valuesBody = BODY;
const requests = { values: 0, list: 0 };
const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);
const json = async (key: string) => JSON.parse(await readFile(dataPath(key), 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/values.csv') {
      requests.values += 1;
      res.writeHead(200, { 'content-type': 'text/csv' }).end(valuesBody);
    } else if (req.url === '/list.csv') {
      requests.list += 1;
      res.writeHead(200, { 'content-type': 'text/csv' }).end(BODY);
    } else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = await testConfig();
  harness = await startTestWorker(config, {
    deps: (deps) => ({
      ...deps,
      datasets: createCatalog([...DATASET_MODULES, toySnapshots], { ...config.datasets, toysnap: { baseUrl } }),
    }),
  });
  // The tests take the slot of now, the hour, and must end within it: when less than the wait's
  // deadline against a hang is left of it, they wait for the next.
  const left = slotOf(new Date(), 60).end.getTime() - Date.now();
  if (left < WAIT_DEADLINE_MS) await sleep(left + 1_000);
});

afterAll(async () => {
  await harness.close();
  await new Promise((resolve) => server.close(resolve));
});

function collect(input: CollectSnapshotsInput, workflowId = uniqueName('snapshots')) {
  return harness.client.workflow.execute<(i: CollectSnapshotsInput) => Promise<CollectSnapshotsOutput>>(
    'collectSnapshots',
    { taskQueue: harness.config.temporal.taskQueue, workflowId, args: [input] },
  );
}

async function failureOf(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toMatchObject({ type: 'SnapshotsMissed' });
  return cause?.message ?? '';
}

describe('collectSnapshots', () => {
  it('leaves a slot empty when the body is refused, keeping it under quarantine/', async () => {
    valuesBody = '<html>maintenance</html>';
    const slot = slotOf(new Date(), 60);
    const message = await failureOf(collect({ everyMinutes: 60 }));
    expect(message).toContain(`slot ${slot.date} ${slot.name} (Europe/Paris) stays empty for 1 source(s)`);
    expect(message).toContain('toysnap/values: ');
    expect(message).toContain('expected the header ts,value');
    expect(await readFile(dataPath(`quarantine/toysnap/dt=${slot.date}/values/${slot.name}.refused`), 'utf8')).toBe(
      valuesBody,
    );
    await expect(readFile(dataPath(`raw/toysnap/dt=${slot.date}/values/${slot.name}.csv`))).rejects.toThrow();
    valuesBody = BODY;
  });

  it('takes each source in the slot with its slot recorded, then keeps it: no second fetch, no duplicate', async () => {
    const at = new Date().toISOString();
    const slot = slotOf(new Date(at), 60);
    const workflowId = uniqueName('snapshots');
    const first = await collect({ everyMinutes: 60, at }, workflowId);
    expect(first.slot).toEqual({
      date: slot.date,
      name: slot.name,
      start: slot.start.toISOString(),
      end: slot.end.toISOString(),
    });
    const key = `raw/toysnap/dt=${slot.date}/values/${slot.name}.csv`;
    expect(first.taken.map((t) => [t.source, t.outcome])).toEqual([
      ['list', expect.stringMatching(/^(taken|kept)$/)],
      ['values', 'taken'],
    ]);
    expect(await readFile(dataPath(key), 'utf8')).toBe(BODY);
    const meta = await json(`${key}.meta.json`);
    expect(meta.slot).toEqual({ name: slot.name, start: slot.start.toISOString(), end: slot.end.toISOString() });
    expect(Date.parse(String(meta.fetchedAt))).toBeGreaterThanOrEqual(slot.start.getTime());
    expect(Date.parse(String(meta.fetchedAt))).toBeLessThan(slot.end.getTime());
    if (process.env.RECORD_HISTORIES === '1') {
      const history = await harness.client.workflow.getHandle(workflowId).fetchHistory();
      await writeFile('test/replay/histories/collect-snapshots.json', historyToJSON(history));
    }

    const before = { ...requests };
    const again = await collect({ everyMinutes: 60, at });
    expect(again.taken.map((t) => t.outcome)).toEqual(['kept', 'kept']);
    expect(requests).toEqual(before);
    const halfHour = await collect({ everyMinutes: 30 });
    const list = halfHour.taken.find((t) => t.source === 'list');
    expect(list).toMatchObject({ outcome: 'kept' });
    const lists = await harness.resources.deps.objects.list(`raw/toysnap/dt=${slot.date}/list`);
    expect(lists.filter((o) => !o.key.endsWith('.meta.json'))).toHaveLength(1);
    expect(requests.list).toBe(before.list);
  });

  it('never fills a slot that has ended: a run for a past slot stores nothing and says so', async () => {
    const past = new Date(Date.now() - 3 * 3_600_000);
    const slot = slotOf(past, 60);
    const before = { ...requests };
    const message = await failureOf(collect({ everyMinutes: 60, at: past.toISOString() }));
    expect(message).toContain(`slot ${slot.date} ${slot.name} had ended when the run started`);
    expect(requests).toEqual(before);
    const stored = await harness.resources.deps.objects.list(`raw/toysnap/dt=${slot.date}/values/${slot.name}`);
    expect(stored).toEqual([]);
  });

  it('refuses a slot length that does not divide an hour', async () => {
    const error = await collect({ everyMinutes: 7 }).catch((e: unknown) => e);
    expect((error as WorkflowFailedError).cause).toMatchObject({ type: 'InvalidInput' });
  });

  it('refuses a slot shorter than a minute that does not divide a minute', async () => {
    const error = await collect({ everyMinutes: 1, everySeconds: 7 }).catch((e: unknown) => e);
    expect((error as WorkflowFailedError).cause).toMatchObject({
      type: 'InvalidInput',
      message: 'everySeconds must divide a minute, got 7',
    });
  });
});

describe('a day of a collected dataset', () => {
  it('reads the snapshots stored for the day, each with its slot', async () => {
    const slot = slotOf(new Date(), 60);
    const result = await (
      await startDay(harness.client, {
        date: slot.date,
        datasets: ['toysnap'],
        runKind: 'manual',
        taskQueue: harness.config.temporal.taskQueue,
      })
    ).result();
    expect(result.datasets[0]?.dataset).toBe('toysnap');
    const metrics = await json(`metrics/toysnap/dt=${slot.date}/metrics.json`);
    expect(metrics.slots).toContain(slot.name);
  });

  it('says that a day never collected has no data, without retrying', async () => {
    const date = '2024-01-15';
    const handle = await startDay(harness.client, {
      date,
      datasets: ['toysnap'],
      runKind: 'manual',
      taskQueue: harness.config.temporal.taskQueue,
    });
    await expect(handle.result()).rejects.toThrow();
    const run = await harness.resources.deps.records.getDayRun('toysnap', date);
    expect(run).toMatchObject({ status: 'failed', error: { type: 'NoData' } });
    expect(run?.error?.message).toContain('no snapshot was taken during the day');
    expect(run?.attempt ?? 1).toBe(1);
  });
});
