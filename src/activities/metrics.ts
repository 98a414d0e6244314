/** Metrics activities: a dataset-day's Parquet tables → metrics.json and the `metrics` record. */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetName } from '../shared/datasets.js';
import { storageKeys } from '../shared/keys.js';
import { previousDate } from '../shared/partition.js';
import { sha256OfFile } from '../storage/file-hash.js';
import { ObjectNotFoundError } from '../storage/object-store.js';
import type { DayMetrics } from '../datasets/contract.js';
import { datasetOf } from './dataset-of.js';
import { checkMetricsDocument } from './metrics-document.js';
import { noteFallbackReads } from './day-runs.js';
import type { ActivityDeps } from './deps.js';
import { classifyingBadData } from './failures.js';
import { readPreparedDay } from './prepared-days.js';

export interface ComputeMetricsInput {
  readonly dataset: DatasetName;
  readonly date: string;
  /** The main table; the only one in runs started before modules wrote several. */
  readonly processedKey: string;
  readonly processedKeys?: readonly string[];
}

export interface ComputeMetricsOutput {
  readonly metricsKey: string;
  readonly completeness: number | null;
  /** `anomalies/{dataset}/dt={date}/anomalies.parquet` when the module wrote anomalies, else absent. */
  readonly anomaliesKey?: string;
}

/** `processed/…/dt=…/readings.parquet` → `readings`. */
export function tableOf(processedKey: string): string {
  return path.posix.basename(processedKey, '.parquet');
}

/** Days of history copied at once. */
const HISTORY_COPIES_IN_FLIGHT = 8;

/** Local copies of `table` of the `days` days before the input's, those stored, oldest first. */
async function copyHistory(
  deps: ActivityDeps,
  input: ComputeMetricsInput,
  table: string,
  days: number,
  scratch: string,
): Promise<string[]> {
  const dates: string[] = [];
  let date = input.date;
  while (dates.length < days) {
    date = previousDate(date);
    dates.unshift(date);
  }
  const dir = await mkdtemp(path.join(scratch, `history-${table}-`));
  const copied: Array<string | null> = [];
  for (let i = 0; i < dates.length; i += HISTORY_COPIES_IN_FLIGHT) {
    const batch = dates.slice(i, i + HISTORY_COPIES_IN_FLIGHT).map(async (day) => {
      const local = path.join(dir, `${day}.parquet`);
      try {
        await deps.objects.getToFile(storageKeys.processed(input.dataset, day, table), local);
        return local;
      } catch (error) {
        if (error instanceof ObjectNotFoundError) return null;
        throw error;
      }
    });
    copied.push(...(await Promise.all(batch)));
  }
  return copied.filter((local) => local !== null);
}

/** The metrics an import's pass computed on exactly these tables' bytes (prepared-days.ts), else null. */
async function preparedMetrics(
  deps: ActivityDeps,
  input: ComputeMetricsInput,
  copies: ReadonlyArray<{ table: string; local: string }>,
): Promise<DayMetrics | null> {
  const prepared = await readPreparedDay(deps.objects, input.dataset, input.date);
  if (!prepared || prepared.codeVersion !== deps.codeVersion) return null;
  const { tables, document, completeness } = prepared.metrics;
  if (Object.keys(tables).length !== copies.length) return null;
  for (const copy of copies) if (tables[copy.table] !== (await sha256OfFile(copy.local))) return null;
  return { document, completeness };
}

export function createMetricsActivities(deps: ActivityDeps) {
  /**
   * Copies the day's Parquet tables to local disk, lets the dataset's module compute its metrics
   * with SQL (and, for a module that detects anomalies, score the day against the stored days
   * before it, writing `anomalies/{dataset}/dt={date}/anomalies.parquet`), writes
   * `metrics/{dataset}/dt={date}/metrics.json` and upserts the `metrics` record.
   * Idempotent: same tables and same stored history, same documents. Metrics an import's pass over
   * many days computed on the same table bytes (prepared-days.ts) are taken as they are.
   */
  async function computeMetrics(input: ComputeMetricsInput): Promise<ComputeMetricsOutput> {
    const { module, config } = datasetOf(deps.datasets, input.dataset);
    const scratch = await mkdtemp(path.join(deps.scratchDir, 'metrics-'));
    const connection = await deps.duckdb.connect();
    try {
      const keys = input.processedKeys ?? [input.processedKey];
      const copies = await Promise.all(
        keys.map(async (key) => {
          const local = path.join(scratch, `${tableOf(key)}.parquet`);
          return { table: tableOf(key), local, read: await deps.objects.getToFile(key, local) };
        }),
      );
      await noteFallbackReads(
        deps,
        input,
        copies.map((c) => c.read),
      );
      const tables = Object.fromEntries(copies.map((c) => [c.table, c.local]));
      const anomaliesPath = path.join(scratch, 'anomalies.parquet');
      const prepared = module.days ? await preparedMetrics(deps, input, copies) : null;
      const metrics =
        prepared ??
        (await classifyingBadData(() =>
          module.metrics({
            date: input.date,
            config,
            db: connection,
            tables,
            history: (table, days) => copyHistory(deps, input, table, days, scratch),
            anomaliesPath,
          }),
        ));
      checkMetricsDocument(module, input.date, metrics.document);
      const anomaliesKey = metrics.anomalies ? storageKeys.anomalies(input.dataset, input.date) : undefined;
      if (anomaliesKey) await deps.objects.putFile(anomaliesKey, anomaliesPath);
      const metricsKey = storageKeys.metrics(input.dataset, input.date);
      await deps.objects.put(metricsKey, `${JSON.stringify(metrics.document, null, 2)}\n`, {
        contentType: 'application/json',
      });
      await deps.records.upsertMetrics({ dataset: input.dataset, date: input.date, metrics: { ...metrics.document } });
      return { metricsKey, completeness: metrics.completeness, ...(anomaliesKey ? { anomaliesKey } : {}) };
    } finally {
      connection.closeSync();
      await rm(scratch, { recursive: true, force: true });
    }
  }

  return { computeMetrics };
}
