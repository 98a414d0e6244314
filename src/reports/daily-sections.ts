/**
 * The datasets of a day as its report shows them: status, rows, error, metrics and failed quality
 * checks from the day's outcome and records, and for each dataset that succeeded its module's day
 * section, computed over its Parquet tables (and anomalies, when it asks for them) copied to
 * scratch space.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { ANOMALIES_TABLE } from '../datasets/report-contract.js';
import type { ReportSection } from '../datasets/report-views.js';
import { storageKeys } from '../workflow-safe/keys.js';
import type { CheckResult } from '../workflow-safe/quality.js';
import { ObjectNotFoundError } from '../storage/object-store.js';
import { readableFile } from '../storage/readable-file.js';
import type { ReportedDataset } from './daily-summary.js';
import type { ReportDeps } from './deps.js';

/** What is known of a dataset's day before its section is computed. */
export interface DayOutcome {
  readonly dataset: string;
  readonly status: 'succeeded' | 'failed';
  readonly rows: ReportedDataset['rows'];
  readonly completeness: number | null;
  readonly error: string | null;
  /** The day's Parquet tables (`processed/…/{table}.parquet`), when it succeeded. */
  readonly processedKeys: readonly string[];
  /** The run's checks that did not pass, when the outcome carries them (else read from its record). */
  readonly failedChecks?: readonly CheckResult[];
  /** The day's metrics document, when the caller holds it (else read from its `metrics` record). */
  readonly metrics?: Record<string, unknown>;
}

const tableOf = (key: string) => path.posix.basename(key, '.parquet');

/** Null when there is no such object (a day run before its dataset detected anomalies, a dataset not run that day). */
async function ifStored(file: Promise<string>): Promise<string | null> {
  try {
    return await file;
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return null;
    throw error;
  }
}

async function daySection(deps: ReportDeps, date: string, outcome: DayOutcome, metrics: Record<string, unknown>) {
  const { module, config } = deps.datasets.get(outcome.dataset);
  const wanted = module.report.tables;
  const keys = outcome.processedKeys.filter((key) => !wanted || wanted.includes(tableOf(key)));
  // Made only if a table must be copied (readableFile makes it): a local store's tables are read in
  // place, and then there is nothing to remove after.
  const scratch = path.join(deps.scratchDir, `report-${randomUUID()}`);
  let inPlace = true;
  const readable = async (key: string, name?: string) => {
    const file = await readableFile(deps.objects, key, scratch, name).catch((error: unknown) => {
      inPlace = false;
      throw error;
    });
    if (file.path.startsWith(scratch)) inPlace = false;
    return file.path;
  };
  const connection = await deps.duckdb.connect();
  try {
    const tables: Record<string, string> = {};
    for (const key of keys) tables[tableOf(key)] = await readable(key);
    if (wanted?.includes(ANOMALIES_TABLE)) {
      const file = await ifStored(readable(storageKeys.anomalies(outcome.dataset, date), `${ANOMALIES_TABLE}.parquet`));
      if (file) tables[ANOMALIES_TABLE] = file;
    }
    const alongside: Record<string, string> = {};
    for (const { dataset, table } of module.report.alongside ?? []) {
      const key = storageKeys.processed(dataset, date, table);
      const file = await ifStored(readable(key, `alongside-${dataset}-${table}.parquet`));
      if (file) alongside[`${dataset}/${table}`] = file;
    }
    return await module.report.day({ date, config, db: connection, metrics, tables, alongside });
  } finally {
    connection.closeSync();
    if (!inPlace) await rm(scratch, { recursive: true, force: true });
  }
}

/** Each outcome with its title, metrics record and (when it succeeded) its module's section. */
export async function reportedDatasets(
  deps: ReportDeps,
  date: string,
  outcomes: readonly DayOutcome[],
): Promise<ReportedDataset[]> {
  return Promise.all(
    outcomes.map(async (outcome): Promise<ReportedDataset> => {
      const metrics =
        outcome.status === 'succeeded'
          ? (outcome.metrics ?? (await deps.records.getMetrics(outcome.dataset, date))?.metrics ?? null)
          : null;
      const section: ReportSection | null =
        metrics && outcome.processedKeys.length > 0 ? await daySection(deps, date, outcome, metrics) : null;
      const failedChecks =
        outcome.failedChecks ??
        ((await deps.records.getDayRun(outcome.dataset, date))?.checks ?? []).filter((check) => !check.passed);
      return {
        dataset: outcome.dataset,
        title: deps.datasets.get(outcome.dataset).module.title,
        status: outcome.status,
        rows: outcome.rows,
        completeness: outcome.completeness,
        error: outcome.error,
        metrics,
        section,
        checks: failedChecks,
      };
    }),
  );
}
