/**
 * The activity side of a transform and of metrics over a range of days: what transformDay (a range
 * of one) and an import's passes (ranges of many) share. Local files are laid out under a scratch
 * directory, the module runs once over the range, and each day's outputs are stored.
 */
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DayMetrics, MetricsDay, TransformDay, TransformOutput } from '../datasets/contract.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { storageKeys } from '../workflow-safe/keys.js';
import { previousDate } from '../workflow-safe/partition.js';
import { ObjectNotFoundError } from '../storage/object-store.js';
import { lineSizeError } from './claim-limits.js';
import { datasetOf } from './dataset-of.js';
import type { ActivityDeps } from './deps.js';
import { checkMetricsDocument } from './metrics-document.js';
import { costStage } from '../cost/ledger.js';
import { putOutput, putOutputFile } from './output-files.js';
import type { OutputFile } from '../workflow-safe/day-records.js';

/** A day's tables and rejects, stored. */
export interface StoredDay {
  /** Every table, main table first, with its key, local copy and SHA-256. */
  readonly tables: ReadonlyArray<{
    readonly table: string;
    readonly key: string;
    readonly file: string;
    readonly sha256: string;
  }>;
  readonly rejectsKey: string;
  /** Every object stored (tables, then rejects), as written. */
  readonly files: readonly OutputFile[];
}

/** A day's transform output, and where it is stored: null when it has no usable row (nothing stored). */
export interface TransformedDay {
  readonly output: TransformOutput;
  readonly stored: StoredDay | null;
}

export interface RangeWork {
  readonly dataset: DatasetName;
  readonly db: DuckDBConnection;
  /** A directory of the caller's, removed by it afterwards. */
  readonly scratch: string;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function storeDay(
  deps: ActivityDeps,
  dataset: DatasetName,
  date: string,
  output: TransformOutput,
  local: { tablePath: (table: string) => string; rejectsPath: string },
): Promise<StoredDay> {
  const tables = await Promise.all(
    output.tables.map(async (table) => {
      const key = storageKeys.processed(dataset, date, table);
      const file = local.tablePath(table);
      const stored = await putOutputFile(deps.objects, key, file, { contentType: 'application/vnd.apache.parquet' });
      return { table, key, file, sha256: stored.sha256, stored };
    }),
  );
  const rejectsKey = storageKeys.rejects(dataset, date, output.tables[0] ?? dataset);
  const rejects = (await exists(local.rejectsPath))
    ? await putOutputFile(deps.objects, rejectsKey, local.rejectsPath)
    : await putOutput(deps.objects, rejectsKey, '');
  return {
    tables: tables.map(({ table, key, file, sha256 }) => ({ table, key, file, sha256 })),
    rejectsKey,
    files: [...tables.map((t) => t.stored), rejects],
  };
}

/**
 * The module's transform over `days` (raw files copied locally), then every day with a usable row
 * stored: its tables under `processed/`, its rejects under `quarantine/`. Throws what the module
 * throws (BadDataError for a file that cannot be read at all, a line too long named as such).
 */
export async function transformRange(
  deps: ActivityDeps,
  work: RangeWork,
  days: readonly TransformDay[],
): Promise<Map<string, TransformedDay>> {
  const { module, config } = datasetOf(deps.datasets, work.dataset);
  const out = path.join(work.scratch, 'out');
  const scratchDir = path.join(work.scratch, 'work');
  await Promise.all(days.map((day) => mkdir(path.join(out, day.date), { recursive: true })));
  await mkdir(scratchDir, { recursive: true });
  const tablePath = (date: string, table: string) => path.join(out, date, `${table}.parquet`);
  const rejectsPath = (date: string) => path.join(out, date, 'rejects.jsonl');
  const outputs = await costStage('module transform', () =>
    module.transform({ config, db: work.db, days, tablePath, rejectsPath, scratchDir }).catch((error: unknown) => {
      throw lineSizeError(error, days.flatMap((d) => d.files.map((f) => f.key)).join(', ')) ?? error;
    }),
  );
  const transformed = new Map<string, TransformedDay>();
  await costStage('store', () =>
    Promise.all(
      days.map(async ({ date }) => {
        const output = outputs.get(date);
        if (!output) throw new Error(`the ${work.dataset} transform gave no output for ${date}`);
        const stored =
          output.rows.written > 0
            ? await storeDay(deps, work.dataset, date, output, {
                tablePath: (table) => tablePath(date, table),
                rejectsPath: rejectsPath(date),
              })
            : null;
        transformed.set(date, { output, stored });
      }),
    ),
  );
  return transformed;
}

/** Days of history copied at once. */
const HISTORY_COPIES_IN_FLIGHT = 8;

/** Local copies of `table` of the `days` days before `date`, those stored, oldest first. */
async function copyHistory(
  deps: ActivityDeps,
  dataset: DatasetName,
  date: string,
  table: string,
  days: number,
  dir: string,
): Promise<string[]> {
  const dates: string[] = [];
  let day = date;
  while (dates.length < days) {
    day = previousDate(day);
    dates.unshift(day);
  }
  await mkdir(dir, { recursive: true });
  const copied: Array<string | null> = [];
  for (let i = 0; i < dates.length; i += HISTORY_COPIES_IN_FLIGHT) {
    const batch = dates.slice(i, i + HISTORY_COPIES_IN_FLIGHT).map(async (before) => {
      const local = path.join(dir, `${before}.parquet`);
      try {
        await deps.objects.getToFile(storageKeys.processed(dataset, before, table), local);
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

/** A day's metrics, with the key of its anomalies when the module wrote some (stored). */
export interface MeasuredDay extends DayMetrics {
  readonly anomaliesKey?: string;
  /** The anomalies as stored, when this pass stored them. */
  readonly anomaliesFile?: OutputFile;
}

/**
 * The module's metrics over `days` (local tables), with the stored days before each as history;
 * each document checked against the dataset's metrics schema (MetricsSchema, not retried); each
 * day's anomalies, when the module wrote some, stored under `anomalies/`.
 */
export async function measureRange(
  deps: ActivityDeps,
  work: RangeWork,
  days: readonly MetricsDay[],
): Promise<Map<string, MeasuredDay>> {
  const { module, config } = datasetOf(deps.datasets, work.dataset);
  const dir = path.join(work.scratch, 'metrics');
  await Promise.all(days.map((day) => mkdir(path.join(dir, day.date), { recursive: true })));
  const anomaliesPath = (date: string) => path.join(dir, date, 'anomalies.parquet');
  const metrics = await costStage('module metrics', () =>
    module.metrics({
      config,
      db: work.db,
      days,
      history: (date, table, n) =>
        copyHistory(deps, work.dataset, date, table, n, path.join(dir, date, `history-${table}`)),
      anomaliesPath,
    }),
  );
  const measured = new Map<string, MeasuredDay>();
  await Promise.all(
    days.map(async ({ date }) => {
      const dayMetrics = metrics.get(date);
      if (!dayMetrics) throw new Error(`the ${work.dataset} metrics gave nothing for ${date}`);
      await costStage('schema check', () => Promise.resolve(checkMetricsDocument(module, date, dayMetrics.document)));
      const anomaliesKey = dayMetrics.anomalies ? storageKeys.anomalies(work.dataset, date) : undefined;
      const anomaliesFile = anomaliesKey
        ? await putOutputFile(deps.objects, anomaliesKey, anomaliesPath(date))
        : undefined;
      measured.set(date, { ...dayMetrics, ...(anomaliesKey && anomaliesFile ? { anomaliesKey, anomaliesFile } : {}) });
    }),
  );
  return measured;
}
