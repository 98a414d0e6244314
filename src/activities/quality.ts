/** Quality activity: a dataset-day's Parquet tables → its module's checks → `quality/…/checks.json`. */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ChecksDb, QualityCheck } from '../datasets/capabilities/quality-checks.js';
import type { RowCounts } from '../workflow-safe/day-records.js';
import { QualityCheckBrokenError, runChecks, type DayToCheck } from '../quality/run-checks.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { storageKeys } from '../workflow-safe/keys.js';
import { blockingChecks, type CheckResult } from '../workflow-safe/quality.js';
import { previousDate } from '../workflow-safe/partition.js';
import { ObjectNotFoundError } from '../storage/object-store.js';
import { readableFile } from '../storage/readable-file.js';
import type { InputFile, OutputFile } from '../workflow-safe/day-records.js';
import { keepBlockedDownloads } from './blocked-inputs.js';
import { datasetOf } from './dataset-of.js';
import { noteFallbackReads } from './day-runs.js';
import type { ActivityDeps } from './deps.js';
import { tableOf } from './metrics.js';
import { costStage } from '../cost/ledger.js';
import { putOutput } from './output-files.js';

export interface CheckQualityInput {
  readonly dataset: DatasetName;
  readonly date: string;
  readonly processedKeys: readonly string[];
  /** Failed `block` checks accepted by an operator for this run. */
  readonly accept: readonly string[];
  /** The transform's row counts of the day. */
  readonly rows: RowCounts;
  /** The day's raw files: downloaded ones are kept under `quarantine/…/blocked/` when a check blocks the day. */
  readonly inputs: readonly InputFile[];
}

export interface CheckQualityOutput {
  /** Absent when the dataset declares no checks. */
  readonly checksKey: string | null;
  readonly results: readonly CheckResult[];
  /** The checks document as stored, for the day record. */
  readonly files?: readonly OutputFile[];
}

/** The tables of the day before that the checks compare with, those stored: local path by table name. */
async function tablesOfDayBefore(
  deps: ActivityDeps,
  input: Pick<CheckQualityInput, 'dataset' | 'date'>,
  checks: readonly QualityCheck<unknown>[],
  scratch: string,
): Promise<Record<string, string>> {
  const dayBefore = previousDate(input.date);
  const wanted = [...new Set(checks.flatMap((check) => (check.previousDay ? [check.previousDay] : [])))];
  const copied = await Promise.all(
    wanted.map(async (table) => {
      const key = storageKeys.processed(input.dataset, dayBefore, table);
      try {
        const { path: local } = await readableFile(deps.objects, key, scratch, `previous-${table}.parquet`);
        return [[table, local] as const];
      } catch (error) {
        if (error instanceof ObjectNotFoundError) return [];
        throw error;
      }
    }),
  );
  return Object.fromEntries(copied.flat());
}

/** The checks the dataset declares, with its configuration. */
export function checksOf(deps: ActivityDeps, dataset: DatasetName) {
  const { config } = datasetOf(deps.datasets, dataset);
  const capability = deps.datasets.capability('quality-checks', dataset);
  return { config, checks: capability?.checks ?? [], db: capability?.db };
}

/**
 * A day's tables and those of the day before that `checks` read, readable in `scratch` (which holds
 * one day at most per date): copies go to the day's own folder, made only when a table needs one.
 */
export async function tablesToCheck(
  deps: ActivityDeps,
  input: Omit<CheckQualityInput, 'inputs'>,
  checks: readonly QualityCheck<unknown>[],
  scratch: string,
): Promise<DayToCheck<unknown>> {
  const dir = path.join(scratch, input.date);
  const tableFiles = await costStage('tables in', () =>
    Promise.all(
      input.processedKeys.map(async (key) => {
        const read = await readableFile(deps.objects, key, dir, `${tableOf(key)}.parquet`);
        return { table: tableOf(key), key, local: read.path, read };
      }),
    ),
  );
  await noteFallbackReads(
    deps,
    input,
    tableFiles.map((c) => c.read),
  );
  const previous = await costStage('table of the day before', () => tablesOfDayBefore(deps, input, checks, dir));
  return {
    date: input.date,
    tables: Object.fromEntries(tableFiles.map((c) => [c.table, { path: c.local, key: c.key }])),
    previous,
    accept: input.accept,
    rows: input.rows,
  };
}

/** A QualityCheckBroken error as the retryable failure the activity fails with; any other error as it is. */
export function brokenCheckFailure(error: unknown): unknown {
  return error instanceof QualityCheckBrokenError
    ? ApplicationFailure.create({ type: error.type, message: error.message, cause: error })
    : error;
}

/**
 * Stores a day's check results in `quality/{dataset}/dt={date}/checks.json`; when a `block` check
 * failed (not accepted), keeps the day's downloads under `quarantine/…/blocked/` first.
 */
export async function storeCheckResults(
  deps: ActivityDeps,
  input: Pick<CheckQualityInput, 'dataset' | 'date' | 'inputs'>,
  results: readonly CheckResult[],
): Promise<CheckQualityOutput> {
  if (blockingChecks(results).length > 0) {
    const kept = await keepBlockedDownloads(deps, input.dataset, input.date, input.inputs);
    Context.current().log.info('day blocked by a quality check; its downloads will be fetched again', {
      date: input.date,
      kept,
    });
  }
  const checksKey = storageKeys.qualityChecks(input.dataset, input.date);
  const document = { dataset: input.dataset, date: input.date, checks: results };
  const stored = await costStage('store', () =>
    putOutput(deps.objects, checksKey, `${JSON.stringify(document, null, 2)}\n`, {
      contentType: 'application/json',
    }),
  );
  return { checksKey, results, files: [stored] };
}

/** A connection to the worker's DuckDB for `work`, closed after. */
const workerDb =
  (deps: ActivityDeps): ChecksDb =>
  async (work) => {
    const connection = await deps.duckdb.connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  };

export function createQualityActivities(deps: ActivityDeps) {
  /**
   * Runs the dataset's checks over the day's Parquet tables and writes their results to
   * `quality/{dataset}/dt={date}/checks.json`; deciding what a failed check does is the workflow's.
   * When a `block` check failed (not accepted), the day's downloads are kept under
   * `quarantine/…/blocked/`, so that a re-run fetches their sources again.
   * Idempotent: same tables, same results. A check whose query cannot run fails retryably
   * (QualityCheckBroken, naming the check).
   */
  async function checkQuality(input: CheckQualityInput): Promise<CheckQualityOutput> {
    const { config, checks, db } = checksOf(deps, input.dataset);
    if (checks.length === 0) return { checksKey: null, results: [] };
    const scratch = await mkdtemp(path.join(deps.scratchDir, 'quality-'));
    try {
      const day = await tablesToCheck(deps, input, checks, scratch);
      const results = await (db ?? workerDb(deps))((connection) =>
        runChecks({ ...day, checks, config, db: connection }),
      ).catch((error: unknown) => {
        throw brokenCheckFailure(error);
      });
      return await storeCheckResults(deps, input, results);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  return { checkQuality };
}
