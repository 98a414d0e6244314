/**
 * The days of an import in passes over many days, for a dataset whose module has one
 * (`DatasetModule.days`): each day's raw files taken from the imported file exactly as its own
 * `importSource` takes them, then the tables, rejects and metrics of a pass's days computed
 * together and stored, with the day's `prepared.json` (prepared-days.ts). Each day then runs as
 * always; its transformDay and computeMetrics find their work done and record it.
 */
import { Context } from '@temporalio/activity';
import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImportedFile } from '../datasets/capabilities/file-import.js';
import type { DayOfMany, DayOfManyOutput, ManyDays } from '../datasets/contract.js';
import type { DayFile } from '../datasets/inputs.js';
import type { ImportRef } from '../shared/imports.js';
import { storageKeys } from '../shared/keys.js';
import { withOwnDuckDb } from '../parquet/duckdb.js';
import { sha256OfFile } from '../storage/file-hash.js';
import type { DatasetName } from '../shared/datasets.js';
import { datasetOf } from './dataset-of.js';
import type { ActivityDeps } from './deps.js';
import { takeImportedSource } from './imported-source.js';
import { writePreparedDay } from './prepared-days.js';

export interface PrepareImportDaysInput {
  readonly importRef: ImportRef;
  /** Days of the import, in order. */
  readonly dates: readonly string[];
}

export interface PrepareImportDaysOutput {
  /** Days whose outputs were computed and stored. */
  readonly prepared: number;
  /** Days left to their own steps: no usable row (their run fails them, saying why). */
  readonly left: readonly string[];
}

/**
 * Days computed in one pass: DuckDB's partitioned write holds memory for every day of a pass (a
 * pass of 365 eCO2mix days does not fit in {@link PASS_MEMORY_LIMIT}; 50 take a few MB), while a
 * pass's fixed cost is a handful of statements.
 */
export const IMPORT_DAYS_PER_PASS = 50;

/** The memory of the DuckDB a pass runs on. */
const PASS_MEMORY_LIMIT = '128MB';

/**
 * Runs a pass on a DuckDB of its own, one thread, closed after: the worker's memory comes back
 * between passes (20 years of eCO2mix days in the bench: 362 MB peak, against 420 MB on the
 * worker's shared DuckDB, whose memory grows pass after pass).
 */
export function withPassDb<T>(scratchDir: string, work: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  return withOwnDuckDb({ threads: 1, memoryLimit: PASS_MEMORY_LIMIT, tempDirectory: scratchDir }, work);
}

/** The day's raw files as its `importSource` stores them, each with a local copy under `dir`. */
async function takeDay(deps: ActivityDeps, file: ImportedFile, ref: ImportRef, date: string, dir: string) {
  const { module, config } = datasetOf(deps.datasets, ref.dataset);
  const sources = module.inputs(date, config).flatMap((i) => (i.kind === 'http' ? [i.source] : []));
  const files: DayFile[] = [];
  for (const source of sources) {
    const taken = await takeImportedSource(deps, file, { dataset: ref.dataset, date, source, importRef: ref });
    if (!taken) continue;
    const local = path.join(dir, date, `${files.length}-${path.posix.basename(taken.file.key)}`);
    await mkdir(path.dirname(local), { recursive: true });
    if (taken.body) await writeFile(local, taken.body);
    else await deps.objects.getToFile(taken.file.key, local);
    files.push({ ...taken.file, path: local, order: files.length, options: {} });
  }
  return { date, files } satisfies DayOfMany;
}

/** Stores a prepared day's tables and rejects; returns the tables' keys and sha256. */
async function storeDay(deps: ActivityDeps, dataset: DatasetName, date: string, output: DayOfManyOutput) {
  const tables = await Promise.all(
    output.tables.map(async (table) => {
      const file = output.tablePaths[table];
      if (file === undefined) throw new Error(`the pass over ${dataset}'s days wrote no ${table} for ${date}`);
      const key = storageKeys.processed(dataset, date, table);
      await deps.objects.putFile(key, file, { contentType: 'application/vnd.apache.parquet' });
      return { table, key, file, sha256: await sha256OfFile(file) };
    }),
  );
  const rejectsKey = storageKeys.rejects(dataset, date, output.tables[0] ?? dataset);
  if (output.rejectsPath) await deps.objects.putFile(rejectsKey, output.rejectsPath);
  else await deps.objects.put(rejectsKey, '');
  return { tables, rejectsKey };
}

/** One pass: the days' raw files taken, their tables, rejects and metrics computed and stored with their records. */
async function preparePass(
  deps: ActivityDeps,
  file: ImportedFile,
  ref: ImportRef,
  manyDays: ManyDays<unknown>,
  dates: readonly string[],
  scratch: string,
): Promise<{ prepared: string[]; left: string[] }> {
  const { config } = datasetOf(deps.datasets, ref.dataset);
  const days: DayOfMany[] = [];
  for (const date of dates) days.push(await takeDay(deps, file, ref, date, path.join(scratch, 'raw')));
  await mkdir(path.join(scratch, 'out'));
  return withPassDb(scratch, async (db) => {
    const outputs = await manyDays.transform({ config, db, days, outputDir: path.join(scratch, 'out') });
    const usable = days.flatMap((day) => {
      const output = outputs.get(day.date);
      return output && output.rows.written > 0 ? [{ day, output }] : [];
    });
    const stored = await Promise.all(
      usable.map(async ({ day, output }) => ({
        day,
        output,
        ...(await storeDay(deps, ref.dataset, day.date, output)),
      })),
    );
    const metrics = await manyDays.metrics({
      config,
      db,
      days: stored.map(({ day, tables }) => ({
        date: day.date,
        tables: Object.fromEntries(tables.map((t) => [t.table, t.file])),
      })),
    });
    await Promise.all(
      stored.map(async ({ day, output, tables, rejectsKey }) => {
        const dayMetrics = metrics.get(day.date);
        if (!dayMetrics) throw new Error(`the pass over ${ref.dataset}'s days gave no metrics for ${day.date}`);
        const processedKeys = tables.map((t) => t.key);
        await writePreparedDay(deps.objects, ref.dataset, day.date, {
          codeVersion: deps.codeVersion,
          inputs: day.files.map((f) => ({ key: f.key, sha256: f.sha256 })),
          transform: { processedKey: processedKeys[0] ?? '', processedKeys, rejectsKey, rows: output.rows },
          metrics: {
            tables: Object.fromEntries(tables.map((t) => [t.table, t.sha256])),
            document: { ...dayMetrics.document },
            completeness: dayMetrics.completeness,
          },
        });
      }),
    );
    const prepared = new Set(stored.map(({ day }) => day.date));
    return { prepared: [...prepared], left: dates.filter((d) => !prepared.has(d)) };
  });
}

/**
 * Prepares `input.dates` of the import in passes of {@link IMPORT_DAYS_PER_PASS}: raw files, tables,
 * rejects, metrics and `prepared.json` for every day with a usable row. For a dataset without a pass
 * over many days, every day is left to its own steps. Idempotent: same file, same outputs. Throws
 * BadDataError as the days' own transforms would for a file that cannot be read.
 */
export async function prepareDays(
  deps: ActivityDeps,
  file: ImportedFile,
  input: PrepareImportDaysInput,
): Promise<PrepareImportDaysOutput> {
  const manyDays = datasetOf(deps.datasets, input.importRef.dataset).module.days;
  if (!manyDays) return { prepared: 0, left: [...input.dates] };
  let prepared = 0;
  const left: string[] = [];
  for (let i = 0; i < input.dates.length; i += IMPORT_DAYS_PER_PASS) {
    const dates = input.dates.slice(i, i + IMPORT_DAYS_PER_PASS);
    const scratch = await mkdtemp(path.join(deps.scratchDir, 'import-days-'));
    try {
      const pass = await preparePass(deps, file, input.importRef, manyDays, dates, scratch);
      prepared += pass.prepared.length;
      left.push(...pass.left);
      Context.current().heartbeat({ prepared, of: input.dates.length });
      Context.current().log.info('prepared days of an import in one pass', {
        dataset: input.importRef.dataset,
        import: input.importRef.key,
        from: dates[0],
        to: dates.at(-1),
        prepared: pass.prepared.length,
      });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  return { prepared, left };
}
