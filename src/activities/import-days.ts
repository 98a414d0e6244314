/**
 * The days of an import in passes over many days: each day's raw files taken from the imported
 * file exactly as its own `importSource` takes them, then the days of a pass transformed and
 * measured as one range, through what a day's own transformDay and computeMetrics call
 * (transform-range.ts), and stored with the day's `outputs.json` (day-outputs.ts). Each day then
 * runs as always; its transformDay and computeMetrics find their work done and record it.
 */
import { Context } from '@temporalio/activity';
import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImportedFile } from '../datasets/capabilities/file-import.js';
import type { TransformDay } from '../datasets/contract.js';
import type { DayFile } from '../datasets/inputs.js';
import type { ImportRef } from '../workflow-safe/imports.js';
import { withOwnDuckDb } from '../duckdb/duckdb.js';
import { datasetOf } from './dataset-of.js';
import type { ActivityDeps } from './deps.js';
import { writeDayOutputs } from './day-outputs.js';
import { takeImportedSource } from './imported-source.js';
import { measureRange, transformRange } from './transform-range.js';

export interface TransformImportDaysInput {
  readonly importRef: ImportRef;
  /** Days of the import, in order. */
  readonly dates: readonly string[];
}

export interface TransformImportDaysOutput {
  /** Days whose outputs were computed and stored. */
  readonly transformed: number;
  /** Days left to their own steps: no usable row (their run fails them, saying why). */
  readonly left: readonly string[];
}

/**
 * Days computed in one pass: DuckDB's partitioned write holds memory for every day of a pass (a
 * year of eCO2mix days does not fit in {@link PASS_MEMORY_LIMIT}, this many fit with room to
 * spare), while a pass's fixed cost is a handful of statements.
 */
export const IMPORT_DAYS_PER_PASS = 50;

/** The memory of the DuckDB a pass runs on. */
const PASS_MEMORY_LIMIT = '128MB';

/**
 * Runs a pass on a DuckDB of its own, one thread, closed after: the worker's memory comes back
 * between passes, where on the worker's shared DuckDB it would grow pass after pass.
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
  return { date, files } satisfies TransformDay;
}

/** One pass: the days' raw files taken, their tables, rejects and metrics computed and stored with their records. */
async function transformPass(
  deps: ActivityDeps,
  file: ImportedFile,
  ref: ImportRef,
  dates: readonly string[],
  scratch: string,
): Promise<{ transformed: string[]; left: string[] }> {
  const days: TransformDay[] = [];
  for (const date of dates) days.push(await takeDay(deps, file, ref, date, path.join(scratch, 'raw')));
  return withPassDb(scratch, async (db) => {
    const work = { dataset: ref.dataset, db, scratch };
    const outputs = await transformRange(deps, work, days);
    const stored = days.flatMap((day) => {
      const done = outputs.get(day.date);
      return done?.stored ? [{ day, output: done.output, stored: done.stored }] : [];
    });
    const metrics = await measureRange(
      deps,
      work,
      stored.map(({ day, stored: { tables } }) => ({
        date: day.date,
        tables: Object.fromEntries(tables.map((t) => [t.table, t.file])),
      })),
    );
    await Promise.all(
      stored.map(async ({ day, output, stored: { tables, rejectsKey, files } }) => {
        const dayMetrics = metrics.get(day.date);
        if (!dayMetrics) throw new Error(`the pass over ${ref.dataset}'s days gave no metrics for ${day.date}`);
        await writeDayOutputs(deps.objects, ref.dataset, day.date, {
          codeVersion: deps.codeVersion,
          inputs: day.files.map((f) => ({ key: f.key, sha256: f.sha256 })),
          transform: { processedKeys: tables.map((t) => t.key), rejectsKey, rows: output.rows, files: [...files] },
          metrics: {
            tables: Object.fromEntries(tables.map((t) => [t.table, t.sha256])),
            document: { ...dayMetrics.document },
            completeness: dayMetrics.completeness,
            ...(dayMetrics.anomaliesKey ? { anomaliesKey: dayMetrics.anomaliesKey } : {}),
          },
        });
      }),
    );
    const transformed = new Set(stored.map(({ day }) => day.date));
    return { transformed: [...transformed], left: dates.filter((d) => !transformed.has(d)) };
  });
}

/**
 * Transforms `input.dates` of the import in passes of {@link IMPORT_DAYS_PER_PASS}: raw files,
 * tables, rejects, metrics and `outputs.json` for every day with a usable row. Idempotent: same
 * file, same outputs. Throws BadDataError as the days' own transforms would for a file that cannot
 * be read.
 */
export async function transformDays(
  deps: ActivityDeps,
  file: ImportedFile,
  input: TransformImportDaysInput,
): Promise<TransformImportDaysOutput> {
  let transformed = 0;
  const left: string[] = [];
  for (let i = 0; i < input.dates.length; i += IMPORT_DAYS_PER_PASS) {
    const dates = input.dates.slice(i, i + IMPORT_DAYS_PER_PASS);
    const scratch = await mkdtemp(path.join(deps.scratchDir, 'import-days-'));
    try {
      const pass = await transformPass(deps, file, input.importRef, dates, scratch);
      transformed += pass.transformed.length;
      left.push(...pass.left);
      Context.current().heartbeat({ transformed, of: input.dates.length });
      Context.current().log.info('transformed days of an import in one pass', {
        dataset: input.importRef.dataset,
        import: input.importRef.key,
        from: dates[0],
        to: dates.at(-1),
        transformed: pass.transformed.length,
      });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  return { transformed, left };
}
