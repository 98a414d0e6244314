/**
 * A store for the read API's contract tests, as the pipeline leaves it: eCO2mix days succeeded,
 * failed and blocked, a smart-meter day, and Enedis days whose index readings the module's own
 * transform wrote from an R151 and a C15 flow in the real layout (so that `/api/v1/energies` and
 * `/api/v1/perimeter` have rows), each with its day record and metrics, and their month billed (so
 * that `/api/v1/billing` has one).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadRates } from '../../src/billing/rates.js';
import { writeStoredMonth } from '../../src/billing/stored-month.js';
import {
  EVENT_TABLE,
  INDEX_TABLE,
  STATED_TABLE,
  transformEnedisFiles,
} from '../../src/datasets/enedis/day-transform.js';
import { openDuckDb } from '../../src/duckdb/duckdb.js';
import type { Storage } from '../../src/storage/index.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { billingKeys, storageKeys } from '../../src/workflow-safe/keys.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { blockedRun, failedRun, succeededRun } from './console-days.js';
import { c15Flow, r151Days, r151Flow } from './enedis-flows.js';

export const STORED = { succeeded: '2022-06-01', failed: '2022-06-02', blocked: '2022-06-03' } as const;
/** The Enedis days stored: an energy of 2022-06-01..2022-06-03 reads the index at the end of 2022-05-31. */
export const ENEDIS_DAYS = datesInRange('2022-05-31', '2022-06-03');
export const ENEDIS_PRM = '99000000000001';
/** The month billed from the Enedis days (a contract of ENEDIS_PRM from 2022-06-01). */
export const BILLED_MONTH = '2022-06';

/** The Enedis days: each one's tables from one R151 flow, put where the pipeline puts them, its record and metrics. */
async function storeEnedisDays(storage: Storage, scratchDir: string): Promise<void> {
  const flow = path.join(scratchDir, 'r151.xml');
  await writeFile(
    flow,
    r151Flow(r151Days(ENEDIS_PRM, ENEDIS_DAYS, { HCB: 1_000_000, HPB: 2_000_000 }, { HCB: 4_000, HPB: 7_000 })),
  );
  const c15 = path.join(scratchDir, 'c15.xml');
  await writeFile(
    c15,
    c15Flow([{ prm: ENEDIS_PRM, at: '2022-06-01T00:00:00+02:00', nature: 'MES', contract: 'C1', kva: 6 }]),
  );
  const files = [
    {
      source: 'drop',
      key: 'raw/enedis/inbox/r151.xml',
      path: flow,
      sha256: await sha256OfFile(flow),
      order: 0,
      options: {},
    },
    {
      source: 'drop',
      key: 'raw/enedis/inbox/c15.xml',
      path: c15,
      sha256: await sha256OfFile(c15),
      order: 1,
      options: {},
    },
  ];
  const instance = await openDuckDb({ tempDirectory: scratchDir });
  const db = await instance.connect();
  try {
    for (const date of ENEDIS_DAYS) {
      const out = path.join(scratchDir, date);
      await mkdir(out);
      const result = await transformEnedisFiles({
        date,
        config: { jumpKWh: 1000 },
        db,
        files,
        tablePath: (table) => path.join(out, `${table}.parquet`),
        rejectsPath: path.join(out, 'rejects.jsonl'),
        scratchDir: out,
      });
      for (const table of [INDEX_TABLE, STATED_TABLE, EVENT_TABLE])
        await storage.objects.putFile(storageKeys.processed('enedis', date, table), path.join(out, `${table}.parquet`));
      await storage.records.upsertDayRun({ ...succeededRun('enedis', date), rows: result.rows });
      await storage.records.upsertMetrics({
        dataset: 'enedis',
        date,
        metrics: { readings: result.rows.written, prms: 1 },
      });
    }
    const billed = await writeStoredMonth(storage, scratchDir, db, loadRates(), BILLED_MONTH);
    await storage.objects.putFile(billingKeys.month(BILLED_MONTH), billed.file);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/** Fills `storage` with the days above; `scratchDir` is left for the caller to remove. */
export async function fillConsoleStore(storage: Storage, scratchDir: string): Promise<void> {
  await storage.records.upsertDayRun(succeededRun('eco2mix', STORED.succeeded));
  await storage.records.upsertDayRun(succeededRun('smartmeter', STORED.succeeded));
  await storage.records.upsertDayRun(
    failedRun('eco2mix', STORED.failed, { type: 'BadData', message: 'realtime.csv line 3 column Consommation: "abc"' }),
  );
  await storage.records.upsertDayRun(blockedRun('eco2mix', STORED.blocked));
  await storage.records.upsertMetrics({
    dataset: 'eco2mix',
    date: STORED.succeeded,
    metrics: { energyMWh: 1234.5, peakMW: 60_000, mix: { nuclear: 0.7, wind: 0.1 }, note: 'é ✓' },
  });
  await storage.records.upsertMetrics({ dataset: 'smartmeter', date: STORED.succeeded, metrics: { meters: 3 } });
  await storeEnedisDays(storage, scratchDir);
}
