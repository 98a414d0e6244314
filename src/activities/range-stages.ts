/**
 * The stages of a ranged run (`rangeRun`): each an activity over all the days of a range, doing for
 * each day what the day's own activity does (download.ts, transform.ts, metrics.ts, quality.ts),
 * the transform and the metrics as one pass of the module over the range (transform-range.ts).
 * Each returns a result per day: a day whose data is at fault ends there, its neighbours go on.
 * A day's own transient fault in its download makes it leave the range; any other transient fault
 * fails the stage, which is retried and skips the days it already finished.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TransformDay } from '../datasets/contract.js';
import type { DayFile } from '../datasets/inputs.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { BadDataError } from '../workflow-safe/errors.js';
import { storageKeys } from '../workflow-safe/keys.js';
import type { DayStepResult } from '../workflow-safe/ranges.js';
import type { InputFile, RowCounts } from '../workflow-safe/day-records.js';
import type { MetricsRecord } from '../storage/records.js';
import { readableFile } from '../storage/readable-file.js';
import { costStage } from '../cost/ledger.js';
import { readDayOutputs, outputsFrom } from './day-outputs.js';
import { noteFallbackReads } from './day-runs.js';
import type { ActivityDeps } from './deps.js';
import { createDownloadActivities } from './download.js';
import { recordedMetrics, tableOf, type ComputeMetricsOutput } from './metrics.js';
import { putOutput } from './output-files.js';
import { createPlanActivities } from './plan.js';
import { brokenCheckFailure, checksOf, storeCheckResults, tablesToCheck, type CheckQualityOutput } from './quality.js';
import { runChecksOverDays } from '../quality/checks-over-days.js';
import { dayFailureNow, dayStep, daysLeavingRange, stageProgress } from './range-outcomes.js';
import { factsOf, type TransformDayOutput } from './transform.js';
import { measureRange, transformRange, type MeasuredDay, type TransformedDay } from './transform-range.js';

/** Days of a range downloading at once (each day's sources side by side, as its own run does). */
const DAYS_DOWNLOADING_AT_ONCE = 8;

export interface RangeDaysInput {
  readonly dataset: DatasetName;
  readonly dates: readonly string[];
}

export interface RangeTransformInput {
  readonly dataset: DatasetName;
  readonly days: ReadonlyArray<{ readonly date: string; readonly inputs: readonly InputFile[] }>;
}

export interface RangeMetricsInput {
  readonly dataset: DatasetName;
  readonly days: ReadonlyArray<{ readonly date: string; readonly processedKeys: readonly string[] }>;
}

export interface RangeQualityInput {
  readonly dataset: DatasetName;
  readonly days: ReadonlyArray<{
    readonly date: string;
    readonly processedKeys: readonly string[];
    readonly rows: RowCounts;
    readonly inputs: readonly InputFile[];
  }>;
}

/** Runs `work` on the worker's DuckDB with a scratch directory of its own, both closed after. */
async function withScratch<T>(
  deps: ActivityDeps,
  prefix: string,
  work: (db: DuckDBConnection, scratch: string) => Promise<T>,
): Promise<T> {
  const scratch = await mkdtemp(path.join(deps.scratchDir, prefix));
  const connection = await deps.duckdb.connect();
  try {
    return await work(connection, scratch);
  } finally {
    connection.closeSync();
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The module's pass over `days`; should the data of a day make the pass fail, or a transient fault
 * make it fail on the stage's last attempt, each day alone, so that the failure is that day's (a
 * pass that fails otherwise fails the stage, to be retried).
 */
async function passOrDayByDay<T>(
  days: readonly { date: string }[],
  pass: (days: readonly { date: string }[], dir: string) => Promise<Map<string, T>>,
): Promise<Map<string, T | DayStepResult<never>>> {
  try {
    return await pass(days, 'range');
  } catch (error) {
    const failure = dayFailureNow(error);
    if (failure === null) throw error;
    const [only] = days;
    if (days.length === 1 && only) return new Map([[only.date, { date: only.date, failure }]]);
  }
  const results = new Map<string, T | DayStepResult<never>>();
  for (const day of days) {
    try {
      const one = (await pass([day], `alone-${day.date}`)).get(day.date);
      if (one !== undefined) results.set(day.date, one);
    } catch (error) {
      const failure = dayFailureNow(error);
      if (!failure) throw error;
      results.set(day.date, { date: day.date, failure });
    }
  }
  return results;
}

/**
 * `prepare` for each day at once: its result, or for a day it fails with that day's failure
 * (`dayFailureNow`) that failure, recorded, the day left out of the pass; any other fault is thrown.
 */
async function preparedDays<D extends { date: string }, T>(
  days: readonly D[],
  prepare: (day: D) => Promise<T>,
  failed: (result: DayStepResult<never>) => void,
): Promise<T[]> {
  const prepared = await Promise.all(
    days.map(async (day) => {
      try {
        return { ok: await prepare(day) };
      } catch (error) {
        const failure = dayFailureNow(error);
        if (failure === null) throw error;
        failed({ date: day.date, failure });
        return null;
      }
    }),
  );
  return prepared.flatMap((p) => (p === null ? [] : [p.ok]));
}

function isFailure(value: unknown): value is DayStepResult<never> {
  return typeof value === 'object' && value !== null && 'failure' in value;
}

export function createRangeStageActivities(deps: ActivityDeps) {
  const { planDay } = createPlanActivities(deps);
  const { downloadSources } = createDownloadActivities(deps);

  /**
   * Each day's inputs as its own run gathers them: its sources downloaded (a few days at once) and
   * the files already stored for it. A day whose download meets a transient fault while others got
   * through leaves the range at once (`daysLeavingRange`): the others never wait for its retries.
   * Idempotent: a raw file already stored is reused.
   */
  async function downloadRangeDays(input: RangeDaysInput): Promise<DayStepResult<InputFile[]>[]> {
    const progress = stageProgress<InputFile[]>();
    const limit = pLimit(DAYS_DOWNLOADING_AT_ONCE);
    const todo = input.dates.filter((date) => !progress.finished.has(date));
    const settled = await Promise.allSettled(
      todo.map((date) =>
        limit(async () => {
          const result = await dayStep(date, async () => {
            const plan = await planDay({ dataset: input.dataset, date });
            const downloads = plan.downloads;
            const downloaded =
              downloads.length > 0 ? await downloadSources({ dataset: input.dataset, date, downloads }) : [];
            return [...downloaded, ...plan.files];
          });
          progress.record(result);
        }),
      ),
    );
    const faults = todo.flatMap((date, i) => {
      const outcome = settled[i];
      return outcome?.status === 'rejected' ? [{ date, error: outcome.reason as unknown }] : [];
    });
    const gotThrough = [...progress.finished.values()].some((result) => !('failure' in result));
    for (const left of daysLeavingRange(faults, gotThrough)) progress.record(left);
    return progress.inOrder(input.dates);
  }

  /**
   * The days' raw files copied locally and transformed in one pass of the module, each day's
   * tables and rejects stored as its own transformDay stores them. A day with no usable row, or
   * whose file cannot be read, fails alone (BadData).
   */
  async function transformRangeDays(input: RangeTransformInput): Promise<DayStepResult<TransformDayOutput>[]> {
    const { dataset } = input;
    const progress = stageProgress<TransformDayOutput>();
    const todo = input.days.filter((day) => !progress.finished.has(day.date));
    const fresh: typeof todo = [];
    for (const day of todo) {
      // A day an import's pass transformed from the same raw files is taken as it is (transformDay).
      const recorded = deps.datasets.capability('file-import', dataset)
        ? await readDayOutputs(deps.objects, dataset, day.date)
        : null;
      if (recorded && outputsFrom(recorded, day.inputs, deps.codeVersion))
        progress.record({ date: day.date, ok: recorded.transform });
      else {
        if (recorded) await deps.objects.delete(storageKeys.dayOutputs(dataset, day.date));
        fresh.push(day);
      }
    }
    if (fresh.length === 0) return progress.inOrder(input.days.map((d) => d.date));
    await withScratch(deps, 'range-transform-', async (db, scratch) => {
      // One folder for the range's copies, named by day and order: no folder made per day.
      const dir = path.join(scratch, 'raw');
      await mkdir(dir);
      const days = await costStage('copy in', () =>
        preparedDays(
          fresh,
          async ({ date, inputs }): Promise<TransformDay> => {
            const copies = await Promise.all(
              inputs.map(async (file, order) => {
                const facts = await factsOf(deps, file, date);
                const local = path.join(dir, `${date}-${order}-${path.posix.basename(facts.key)}`);
                const read = await deps.objects.getToFile(facts.key, local);
                const copy: DayFile = { source: file.source, path: local, sha256: file.sha256, order, ...facts };
                return { read, copy };
              }),
            );
            await noteFallbackReads(
              deps,
              { dataset, date },
              copies.map((c) => c.read),
            );
            return { date, files: copies.map((c) => c.copy) };
          },
          (failed) => progress.record(failed),
        ),
      );
      const byDate = new Map(days.map((day) => [day.date, day]));
      const outputs = await passOrDayByDay<TransformedDay>(days, (some, dir) =>
        transformRange(
          deps,
          { dataset, db, scratch: path.join(scratch, dir) },
          some.map((d) => byDate.get(d.date) ?? { date: d.date, files: [] }),
        ),
      );
      for (const { date, inputs } of fresh) {
        if (!byDate.has(date)) continue;
        const done = outputs.get(date);
        if (isFailure(done)) progress.record(done);
        else if (!done?.stored) {
          const rows = done?.output.rows;
          const error = new BadDataError(
            { file: inputs.map((f) => f.key).join(', ') || storageKeys.rawDay(dataset, date) },
            `no usable rows for ${date} (${rows?.read ?? 0} read, ${rows?.rejected ?? 0} rejected)`,
          );
          progress.record({ date, failure: { type: error.type, message: error.message } });
        } else {
          progress.record({
            date,
            ok: {
              processedKeys: done.stored.tables.map((t) => t.key),
              rejectsKey: done.stored.rejectsKey,
              rows: done.output.rows,
              files: done.stored.files,
            },
          });
        }
      }
    });
    return progress.inOrder(input.days.map((d) => d.date));
  }

  /**
   * The days' metrics in one pass of the module (each scored against the stored days before it),
   * each day's `metrics.json` stored as its own computeMetrics stores it, the `metrics` records in
   * one bulk write. A day whose document does not fit the schema fails alone.
   */
  async function measureRangeDays(input: RangeMetricsInput): Promise<DayStepResult<ComputeMetricsOutput>[]> {
    const { dataset } = input;
    const progress = stageProgress<ComputeMetricsOutput>();
    const todo = input.days.filter((day) => !progress.finished.has(day.date));
    if (todo.length === 0) return progress.inOrder(input.days.map((d) => d.date));
    await withScratch(deps, 'range-metrics-', async (db, scratch) => {
      const measured = new Map<string, MeasuredDay | DayStepResult<never>>();
      const toMeasure: Array<{ date: string; tables: Record<string, string> }> = [];
      const failed = new Set<string>();
      await costStage('tables in', () =>
        preparedDays(
          todo,
          async (day) => {
            // Made only should a table need a copy (readableFile): a local store's tables are read in place.
            const dir = path.join(scratch, 'tables', day.date);
            const tableFiles = await Promise.all(
              day.processedKeys.map(async (key) => {
                const read = await readableFile(deps.objects, key, dir, `${tableOf(key)}.parquet`);
                return { table: tableOf(key), local: read.path, read };
              }),
            );
            await noteFallbackReads(
              deps,
              { dataset, date: day.date },
              tableFiles.map((c) => c.read),
            );
            const recorded = deps.datasets.capability('file-import', dataset)
              ? await recordedMetrics(deps, { dataset, ...day }, tableFiles)
              : null;
            if (recorded) measured.set(day.date, recorded);
            else
              toMeasure.push({ date: day.date, tables: Object.fromEntries(tableFiles.map((c) => [c.table, c.local])) });
          },
          (result) => {
            failed.add(result.date);
            progress.record(result);
          },
        ),
      );
      const byDate = new Map(toMeasure.map((day) => [day.date, day]));
      const pass = await passOrDayByDay<MeasuredDay>(toMeasure, (some, dir) =>
        measureRange(
          deps,
          { dataset, db, scratch: path.join(scratch, dir) },
          some.map((d) => byDate.get(d.date) ?? { date: d.date, tables: {} }),
        ),
      );
      for (const [date, result] of pass) measured.set(date, result);
      const records: MetricsRecord[] = [];
      const stored = await costStage('store', () =>
        Promise.all(
          todo
            .filter(({ date }) => !failed.has(date))
            .map(async ({ date }): Promise<DayStepResult<ComputeMetricsOutput>> => {
              const metrics = measured.get(date);
              if (isFailure(metrics)) return metrics;
              if (!metrics) throw new Error(`the ${dataset} metrics gave nothing for ${date}`);
              const metricsKey = storageKeys.metrics(dataset, date);
              const file = await putOutput(deps.objects, metricsKey, `${JSON.stringify(metrics.document, null, 2)}\n`, {
                contentType: 'application/json',
              });
              records.push({ dataset, date, metrics: { ...metrics.document } });
              return {
                date,
                ok: {
                  metricsKey,
                  completeness: metrics.completeness,
                  ...(metrics.anomaliesKey ? { anomaliesKey: metrics.anomaliesKey } : {}),
                  files: [file, ...(metrics.anomaliesFile ? [metrics.anomaliesFile] : [])],
                },
              };
            }),
        ),
      );
      await costStage('records', () => deps.records.putMetricsRecords(records));
      for (const result of stored) progress.record(result);
    });
    return progress.inOrder(input.days.map((d) => d.date));
  }

  /**
   * Every day's quality checks in one pass (runChecksOverDays): each check one query over the
   * days, each day's results and `checks.json` those its own checkQuality gives. A check whose
   * query cannot run fails the stage retryably (QualityCheckBroken), as it fails a day's run.
   */
  async function checkRangeDays(input: RangeQualityInput): Promise<DayStepResult<CheckQualityOutput>[]> {
    const { dataset } = input;
    const progress = stageProgress<CheckQualityOutput>();
    const todo = input.days.filter((day) => !progress.finished.has(day.date));
    const { config, checks } = checksOf(deps, dataset);
    if (checks.length === 0)
      for (const { date } of todo) progress.record({ date, ok: { checksKey: null, results: [] } });
    else if (todo.length > 0)
      await withScratch(deps, 'range-quality-', async (db, scratch) => {
        const days = await preparedDays(
          todo,
          (day) => tablesToCheck(deps, { dataset, ...day, accept: [] }, checks, scratch),
          (failed) => progress.record(failed),
        );
        const results = await runChecksOverDays({ checks, config, db, days }).catch((error: unknown) => {
          throw brokenCheckFailure(error);
        });
        for (const day of todo) {
          if (progress.finished.has(day.date)) continue;
          const found = results.get(day.date);
          if (!found) throw new Error(`the checks gave no results for ${dataset} ${day.date}`);
          progress.record(await dayStep(day.date, () => storeCheckResults(deps, { dataset, ...day }, found)));
        }
      });
    return progress.inOrder(input.days.map((d) => d.date));
  }

  return { downloadRangeDays, transformRangeDays, measureRangeDays, checkRangeDays };
}
