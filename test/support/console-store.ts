/**
 * A store for the read API's contract tests, as the pipeline leaves it: eCO2mix days succeeded,
 * failed and blocked, a smart-meter day, and Enedis days whose index readings the module's own
 * transform wrote from an R151 flow in the real layout (so that `/api/v1/energies` has rows), each
 * with its day record and metrics.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { INDEX_TABLE, STATED_TABLE, transformEnedisFiles } from '../../src/datasets/enedis/day-transform.js';
import { openDuckDb } from '../../src/duckdb/duckdb.js';
import type { Storage } from '../../src/storage/index.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { storageKeys } from '../../src/workflow-safe/keys.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { blockedRun, failedRun, succeededRun } from './console-days.js';
import { r151Days, r151Flow } from './enedis-flows.js';

export const STORED = { succeeded: '2022-06-01', failed: '2022-06-02', blocked: '2022-06-03' } as const;
/** The Enedis days stored: an energy of 2022-06-01..2022-06-03 reads the index at the end of 2022-05-31. */
export const ENEDIS_DAYS = datesInRange('2022-05-31', '2022-06-03');
export const ENEDIS_PRM = '99000000000001';

/** The Enedis days: each one's tables from one R151 flow, put where the pipeline puts them, its record and metrics. */
async function storeEnedisDays(storage: Storage, scratchDir: string): Promise<void> {
  const flow = path.join(scratchDir, 'r151.xml');
  await writeFile(
    flow,
    r151Flow(r151Days(ENEDIS_PRM, ENEDIS_DAYS, { HCB: 1_000_000, HPB: 2_000_000 }, { HCB: 4_000, HPB: 7_000 })),
  );
  const file = {
    source: 'drop',
    key: 'raw/enedis/inbox/r151.xml',
    path: flow,
    sha256: await sha256OfFile(flow),
    order: 0,
    options: {},
  };
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
        files: [file],
        tablePath: (table) => path.join(out, `${table}.parquet`),
        rejectsPath: path.join(out, 'rejects.jsonl'),
        scratchDir: out,
      });
      for (const table of [INDEX_TABLE, STATED_TABLE])
        await storage.objects.putFile(storageKeys.processed('enedis', date, table), path.join(out, `${table}.parquet`));
      await storage.records.upsertDayRun({ ...succeededRun('enedis', date), rows: result.rows });
      await storage.records.upsertMetrics({
        dataset: 'enedis',
        date,
        metrics: { readings: result.rows.written, prms: 1 },
      });
    }
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
