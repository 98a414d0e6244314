/**
 * A month's billing reads the C15 events of the months before it from their folds, on the real
 * document store and local files: the month's billing writes the folds missing, each named by the
 * days and runs it holds, and bills the same rows as day by day; a day run again names another
 * fold; a day refused is left out of its month's fold, still named with its table; readers that do
 * not bill write none.
 */
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldSha256 } from '../../src/billing/event-folds.js';
import { loadRates } from '../../src/billing/rates.js';
import { perimeterOn } from '../../src/billing/perimeter.js';
import { withBillingScratch, writeStoredMonth } from '../../src/billing/stored-month.js';
import type { Config } from '../../src/config/index.js';
import { createStorage, type Storage } from '../../src/storage/index.js';
import { EVENT_TABLE } from '../../src/datasets/enedis/day-transform.js';
import { billingKeys, storageKeys } from '../../src/workflow-safe/keys.js';
import { putStoredDays, storeFlows } from '../support/billing-store.js';
import { succeededRun } from '../support/console-days.js';
import { c15Flow, r151Flow, type C15ContractEvent } from '../support/enedis-flows.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';
import { testConfig } from '../support/test-stack.js';

const scratch = useScratchDuckDb('courant-event-folds-');
const MONTH = '2024-03';
let config: Config;
let storage: Storage;

const entry = (prm: string, at: string): C15ContractEvent => ({
  prm,
  at,
  nature: 'MES',
  contract: `C-${prm.slice(-2)}`,
  kva: 6,
  after: { HPH: 1000, HCH: 500, HPB: 0, HCB: 0 },
});
const PRMS = ['99660599682041', '99660599682042', '99660599682043'];
const runOf = (date: string) => `run-enedis-${date}`;
// An event at 00:00 is stored with the day it closes, the day before.
const JANUARY_DAY = '2024-01-09';
const FEBRUARY_DAY = '2024-02-04';

beforeAll(async () => {
  config = await testConfig();
  storage = await createStorage(config);
  const stored = await storeFlows(scratch, [
    c15Flow([entry(PRMS[0]!, '2024-01-10T00:00:00+01:00')]),
    c15Flow([entry(PRMS[1]!, '2024-02-05T00:00:00+01:00')]),
    c15Flow([entry(PRMS[2]!, '2024-03-12T00:00:00+01:00')]),
    r151Flow(PRMS.map((prm) => ({ prm, date: '2024-03-31', wh: { HPH: 1_100_000, HCH: 550_000, HPB: 0, HCB: 0 } }))),
  ]);
  await putStoredDays(storage, stored);
});

afterAll(async () => {
  await storage?.close();
  if (config) await rm(config.storage.dataDir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const foldKeys = async () => (await storage.objects.list('billing/events')).map((o) => o.key).sort();

/** The month billed in a scratch of its own: the SHA-256 of its Parquet. */
const billed = (fillFolds: boolean) =>
  withBillingScratch(async ({ dir, db }) =>
    sha256(await readFile((await writeStoredMonth(storage, dir, db, loadRates(), MONTH, { fillFolds })).file)),
  );

describe("a month's events folds", () => {
  it('are written by the billing only, one per past month, and bill the same rows as the days one by one', async () => {
    const dayByDay = await billed(false);
    await withBillingScratch(({ dir, db }) => perimeterOn(storage, dir, db, '2024-03-15', []));
    expect(await foldKeys()).toEqual([]);

    expect(await billed(true)).toBe(dayByDay);
    const january = billingKeys.eventsFold('2024-01', foldSha256([{ date: JANUARY_DAY, runId: runOf(JANUARY_DAY) }]));
    const february = billingKeys.eventsFold(
      '2024-02',
      foldSha256([{ date: FEBRUARY_DAY, runId: runOf(FEBRUARY_DAY) }]),
    );
    expect(await foldKeys()).toEqual([january, february]);
    // Read from the folds now: the same rows again, and the perimeter with them.
    expect(await billed(true)).toBe(dayByDay);
    const perimeter = await withBillingScratch(({ dir, db }) => perimeterOn(storage, dir, db, '2024-03-15', []));
    expect(perimeter.map((row) => row.prm)).toEqual(PRMS);
  });

  it('are read in place of the days: a fold holds what its days held when it was written', async () => {
    // The February day's table replaced under the same run: the fold still holds its event.
    const fold = (await foldKeys()).find((key) => key.includes('month=2024-02'));
    expect(fold).toBeDefined();
    const before = await billed(true);
    const january = path.join(config.storage.dataDir, storageKeys.processed('enedis', JANUARY_DAY, EVENT_TABLE));
    await storage.objects.putFile(storageKeys.processed('enedis', FEBRUARY_DAY, EVENT_TABLE), january);
    expect(await billed(true)).toBe(before);
  });

  it('name another fold when a day runs again, and leave a refused day out of its fold', async () => {
    const rerun = { ...succeededRun('enedis', FEBRUARY_DAY), runId: 'run-again' };
    await storage.records.upsertDayRun(rerun);
    await billed(true);
    expect(await foldKeys()).toContain(
      billingKeys.eventsFold('2024-02', foldSha256([{ date: FEBRUARY_DAY, runId: 'run-again' }])),
    );
    await storage.records.upsertDayRun({
      ...succeededRun('enedis', JANUARY_DAY),
      runId: 'run-refused',
      status: 'failed',
      error: { type: 'DataQuality', message: 'a check blocked the day' },
    });
    const written = await withBillingScratch(({ dir, db }) =>
      writeStoredMonth(storage, dir, db, loadRates(), MONTH, { fillFolds: true }),
    );
    expect(written.unusable).toEqual([{ date: JANUARY_DAY, why: 'failed: DataQuality, a check blocked the day' }]);
    // January has no usable event day left: no fold for it.
    expect((await foldKeys()).filter((key) => key.includes('month=2024-01'))).toHaveLength(1);
  });
});
