/**
 * Transient faults inside a range, on the real dev server, worker, records and real December 2021
 * eCO2mix days. One day's download refused once: that day leaves the range at its first fault and
 * runs as its own `daily/{date}` once the range ends, the download never retried in the range. A
 * later stage failing on one day: the stage is retried, and its retry runs only the days left. Each
 * day's outputs and record are still byte for byte those of its own `daily/{date}`, and nothing is
 * run twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { loadDemoExports } from '../../src/datasets/eco2mix/demo/sample-exports.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import type { RangeRunWorkflow } from '../../src/workflow-safe/workflow-types.js';
import { runCommandLine } from '../support/run-cli.js';
import { outputsOf, recordsOf } from '../support/stored-days.js';
import { whereStartOf } from '../support/synthetic-eco2mix.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const TR = 'eco2mix-national-tr';
const FROM = '2021-12-01';
const TO = '2021-12-08';
/** Its download answers 503 once: the day leaves the range, the other days downloaded. */
const DOWNLOAD_FAULT = '2021-12-04';
/** Its checks file cannot be stored once: the quality stage fails after the days before it. */
const CHECKS_FAULT = '2021-12-06';

let odre: OdreServer;
let harness: TestWorkerHarness;
let env: Record<string, string>;
let faulty = false;
/** Writes asked of the object store under each day's quality folder, the refused one included. */
const checkWrites = new Map<string, number>();

/** The object store, refusing (once, as a dropped connection would) the first write of CHECKS_FAULT's checks. */
function withChecksFault(objects: ObjectStore): ObjectStore {
  return new Proxy(objects, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'put' || typeof value !== 'function') return value;
      return async (...args: Parameters<ObjectStore['put']>) => {
        const date = /^quality\/eco2mix\/dt=([\d-]+)\//.exec(args[0])?.[1];
        if (faulty && date !== undefined) {
          checkWrites.set(date, (checkWrites.get(date) ?? 0) + 1);
          if (date === CHECKS_FAULT && checkWrites.get(date) === 1)
            throw Object.assign(new Error(`write ${args[0]}: socket hang up`), { code: 'ECONNRESET' });
        }
        return objects.put(...args);
      };
    },
  });
}

beforeAll(async () => {
  odre = await startOdreServer(await loadDemoExports());
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }), {
    deps: (deps) => ({ ...deps, objects: withChecksFault(deps.objects) }),
  });
  env = cliEnv(harness.config);
});

afterAll(async () => {
  await harness.close();
  await odre.close();
});

/** The CSV exports of `date` asked of the portal since `since` requests. */
const downloadsOf = (date: string, since: number) =>
  odre.requests
    .slice(since)
    .filter((r) => r.datasetId === TR && r.url.includes('/exports/csv') && r.where?.startsWith(whereStartOf(date)))
    .length;

describe('transient faults inside a range', () => {
  it('a refused day leaves it, a later stage is retried over the days left: each day run once, as daily/{date}', async () => {
    const days = datesInRange(FROM, TO);
    const { objects, records } = harness.resources.deps;
    let served = 0;
    odre.failWhen(TR, (where) =>
      where?.startsWith(whereStartOf(DOWNLOAD_FAULT)) && served++ === 0 ? { status: 503, body: 'busy' } : undefined,
    );
    const since = odre.requests.length;
    faulty = true;
    const ranged = await runCommandLine(
      ['backfill', '--from', FROM, '--to', TO, '--mode', 'all', '--days-per-run', '8', '--wait'],
      env,
    );
    faulty = false;
    odre.failWhen(TR, null);
    expect(ranged.code, ranged.stderr).toBe(0);
    expect(ranged.stdout).toMatch(/succeeded\s+8/);

    // The refused day left the range at once; the quality stage failed once, on its day, then ran
    // only the days its first attempt had not finished.
    const rangeId = workflowIds.range('eco2mix', FROM, TO);
    const range = harness.client.workflow.getHandle<RangeRunWorkflow>(rangeId);
    const outcomes = (await range.result()).days;
    expect(outcomes.map((d) => [d.date, d.status])).toEqual(
      days.map((date) => [date, date === DOWNLOAD_FAULT ? 'failed' : 'succeeded']),
    );
    const left = outcomes.find((d) => d.date === DOWNLOAD_FAULT);
    expect(left?.failure?.type).toBe('TransientIO');
    expect(left?.failure?.message).toMatch(
      new RegExp(`503.*left the range at its first transient fault, to run again as its own daily/${DOWNLOAD_FAULT}`),
    );
    const events = (await range.fetchHistory()).events ?? [];
    const activityOf = new Map(
      events.flatMap((e) =>
        e.activityTaskScheduledEventAttributes
          ? [[String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name]]
          : [],
      ),
    );
    const retriedStages = events.flatMap((e) => {
      const started = e.activityTaskStartedEventAttributes;
      return started && (started.attempt ?? 1) > 1
        ? [[activityOf.get(String(started.scheduledEventId)), started.attempt]]
        : [];
    });
    expect(Object.fromEntries(days.map((date) => [date, downloadsOf(date, since)]))).toEqual(
      Object.fromEntries(days.map((date) => [date, date === DOWNLOAD_FAULT ? 2 : 1])),
    );
    expect(Object.fromEntries(checkWrites)).toEqual(
      Object.fromEntries(days.map((date) => [date, date === CHECKS_FAULT ? 2 : 1])),
    );

    expect(retriedStages).toEqual([['checkRangeDays', 2]]);
    // The day's record is its own run's (day/eco2mix/{date}, under daily/{date}), the second of the day;
    // every other day's the range's.
    expect(
      (await records.listDayRuns({ from: FROM, to: TO })).map((r) => [r.date, r.status, r.workflowId, r.attempt]),
    ).toEqual(
      days.map((date) =>
        date === DOWNLOAD_FAULT
          ? [date, 'succeeded', workflowIds.datasetDay('eco2mix', date), 2]
          : [date, 'succeeded', rangeId, 1],
      ),
    );

    // The same days run again, each as its own daily/{date}: the same bytes, the same records.
    const inRanges = { outputs: await outputsOf(objects, days), records: await recordsOf(records, FROM, TO) };
    const perDay = await runCommandLine(
      ['backfill', '--from', FROM, '--to', TO, '--mode', 'all', '--per-day', '--parallel', '2', '--wait'],
      env,
    );
    expect(perDay.code, perDay.stderr).toBe(0);
    expect(Object.keys(inRanges.outputs).length).toBeGreaterThan(8 * 5);
    expect(await outputsOf(objects, days)).toEqual(inRanges.outputs);
    expect(await recordsOf(records, FROM, TO)).toEqual(inRanges.records);
  });
});
