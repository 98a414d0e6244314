/**
 * Checks of workflow inputs, pure so that workflows can run them (schemas at the client edges
 * parse user input first; this guards what reaches a workflow by any path, e.g. the Web UI).
 */
import { isDatasetName, type DatasetName } from './datasets.js';
import { BACKFILL_MODES, type BackfillCarried, type BackfillInput, type BackfillMode } from './backfill.js';
import { rangesOf, type RangeRunInput } from './ranges.js';
import { SHA256_PATTERN, type ImportRef } from './imports.js';
import type { DayIngestionInput, IngestDropInput, IngestFilesInput } from './ingest.js';
import type { BillingFailing, BillingMonthInput, BillingTrigger } from './billing.js';
import { isPartitionDate } from './partition.js';
import { isMonth } from './periods.js';
import { isCheckName } from './quality.js';
import { RUN_KINDS, type DailyPipelineInput, type DatasetDayInput, type RunKind } from './pipeline.js';

export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
}

function record(input: unknown, what: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidInputError(`${what} input must be an object like {"date":"2025-08-22","runKind":"manual"}`);
  }
  return input as Record<string, unknown>;
}

function date(value: unknown): string {
  if (typeof value !== 'string' || !isPartitionDate(value)) {
    throw new InvalidInputError(`date must be a day written YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return value;
}

function runKind(value: unknown): RunKind {
  if (typeof value !== 'string' || !(RUN_KINDS as readonly string[]).includes(value)) {
    throw new InvalidInputError(`runKind must be one of ${RUN_KINDS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as RunKind;
}

function dataset(value: unknown): DatasetName {
  if (typeof value !== 'string' || !isDatasetName(value)) {
    throw new InvalidInputError(
      `dataset must be a dataset name (lower case letters, digits, _ and -), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function backfillId(value: unknown): { backfillId?: string } {
  if (value === undefined) return {};
  if (typeof value !== 'string' || value.length === 0)
    throw new InvalidInputError('backfillId must be a non-empty string');
  return { backfillId: value };
}

/** An import reference: its dataset, the sha256 of the stored file and its key under `imports/{dataset}/{sha256}/`. */
export function checkImportRef(value: unknown): ImportRef {
  const r = record(value, 'importRef');
  const ref = { dataset: dataset(r.dataset), key: r.key, sha256: r.sha256 };
  if (typeof ref.sha256 !== 'string' || !SHA256_PATTERN.test(ref.sha256)) {
    throw new InvalidInputError(`importRef.sha256 must be 64 hex digits, got ${JSON.stringify(ref.sha256)}`);
  }
  const prefix = `imports/${ref.dataset}/${ref.sha256}/`;
  if (
    typeof ref.key !== 'string' ||
    !ref.key.startsWith(prefix) ||
    !/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(ref.key.slice(prefix.length))
  ) {
    throw new InvalidInputError(`importRef.key must be a file name under ${prefix}, got ${JSON.stringify(ref.key)}`);
  }
  return { dataset: ref.dataset, key: ref.key, sha256: ref.sha256 };
}

function acceptChecks(value: unknown): { acceptChecks?: string[] } {
  if (value === undefined) return {};
  if (!Array.isArray(value) || value.some((name) => typeof name !== 'string' || !isCheckName(name))) {
    throw new InvalidInputError(`acceptChecks must be a list of check names, got ${JSON.stringify(value)}`);
  }
  return value.length === 0 ? {} : { acceptChecks: [...new Set(value as string[])] };
}

function importRef(value: unknown): { importRef?: ImportRef } {
  return value === undefined ? {} : { importRef: checkImportRef(value) };
}

/** The input of a day; `datasets` absent means the datasets that run every day (the workflow asks). */
export function checkDailyPipelineInput(input: unknown): DailyPipelineInput {
  const r = record(input, 'dailyPipeline');
  const datasets = r.datasets;
  if (datasets !== undefined && (!Array.isArray(datasets) || datasets.length === 0))
    throw new InvalidInputError('datasets must be a non-empty list');
  return {
    date: date(r.date),
    ...(datasets ? { datasets: [...new Set(datasets.map(dataset))] } : {}),
    runKind: runKind(r.runKind),
    ...backfillId(r.backfillId),
    ...importRef(r.importRef),
    ...acceptChecks(r.acceptChecks),
    ...deferMonthReport(r.deferMonthReport),
  };
}

function deferMonthReport(value: unknown): { deferMonthReport?: boolean } {
  if (value === undefined) return {};
  if (typeof value !== 'boolean') throw new InvalidInputError('deferMonthReport must be true or false');
  return { deferMonthReport: value };
}

export function checkDatasetDayInput(input: unknown): DatasetDayInput {
  const r = record(input, 'datasetDay');
  return {
    dataset: dataset(r.dataset),
    date: date(r.date),
    runKind: runKind(r.runKind),
    ...backfillId(r.backfillId),
    ...importRef(r.importRef),
    ...acceptChecks(r.acceptChecks),
  };
}

/** A ranged run: a dataset, consecutive days in order (at least one), the run's kind. */
export function checkRangeRunInput(input: unknown): RangeRunInput {
  const r = record(input, 'rangeRun');
  if (!Array.isArray(r.dates) || r.dates.length === 0) throw new InvalidInputError('dates must be a non-empty list');
  const dates = r.dates.map(date);
  if (rangesOf(dates, dates.length).length !== 1)
    throw new InvalidInputError(`dates must be consecutive days in order, got ${dates.join(', ')}`);
  return { dataset: dataset(r.dataset), dates, runKind: runKind(r.runKind), ...backfillId(r.backfillId) };
}

/** An ingestion of one inbox file: its dataset, its key under `inbox/{dataset}/`, string options. */
export function checkIngestDropInput(input: unknown): IngestDropInput {
  const r = record(input, 'ingestDrop');
  const name = dataset(r.dataset);
  const key = r.inboxKey;
  if (
    typeof key !== 'string' ||
    !key.startsWith(`inbox/${name}/`) ||
    key.split('/').some((s) => s === '' || s === '..')
  )
    throw new InvalidInputError(`inboxKey must be a file under inbox/${name}/, got ${JSON.stringify(key)}`);
  const options = r.options;
  if (options === undefined) return { dataset: name, inboxKey: key };
  if (
    typeof options !== 'object' ||
    options === null ||
    Array.isArray(options) ||
    Object.values(options).some((v) => typeof v !== 'string')
  )
    throw new InvalidInputError('options must be an object of strings, e.g. {"meterId":"m-1"}');
  return { dataset: name, inboxKey: key, options: options as Record<string, string> };
}

/** Files in one batch at most (`ingestFiles`): a round of the SFTP pickup is 200. */
export const MAX_BATCH_FILES = 1_000;

/** A batch of inbox files of one dataset: each under `inbox/{dataset}/`, named at most once. */
export function checkIngestFilesInput(input: unknown): IngestFilesInput {
  const r = record(input, 'ingestFiles');
  const name = dataset(r.dataset);
  if (!Array.isArray(r.files) || r.files.length === 0 || r.files.length > MAX_BATCH_FILES)
    throw new InvalidInputError(`files must be a list of 1 to ${MAX_BATCH_FILES} inbox files`);
  const files = r.files.map((file: unknown) => {
    const f = record(file, 'ingestFiles file');
    const { inboxKey } = checkIngestDropInput({ dataset: name, inboxKey: f.inboxKey });
    if (f.name !== undefined && typeof f.name !== 'string')
      throw new InvalidInputError(`name must be a string, got ${JSON.stringify(f.name)}`);
    return { inboxKey, ...(f.name ? { name: f.name } : {}) };
  });
  if (new Set(files.map((f) => f.inboxKey)).size !== files.length)
    throw new InvalidInputError('files must name each inbox key once');
  return { dataset: name, files };
}

/** A range's days waited for, carried by a backfill: the range's workflow ID and at least one day. */
function rangeWait(value: unknown): void {
  const w = record(value, 'waiting');
  if (typeof w.workflowId !== 'string' || w.workflowId === '')
    throw new InvalidInputError('a wait must name the workflow ID of the range it waits for');
  if (!Array.isArray(w.dates) || w.dates.length === 0) throw new InvalidInputError('a wait must list its days');
  w.dates.forEach(date);
}

/**
 * The state a backfill carries to its next run: what it wrote itself, its counts and waits checked
 * where a run started by hand (the Web UI) could get them wrong.
 */
function carried(value: unknown): { carried?: BackfillCarried } {
  if (value === undefined) return {};
  const c = record(value, 'carried');
  const omitted = c.failedDaysOmitted;
  if (omitted !== undefined && (typeof omitted !== 'number' || !Number.isInteger(omitted) || omitted < 0))
    throw new InvalidInputError(`failedDaysOmitted must be a whole number, got ${JSON.stringify(omitted)}`);
  if (c.waiting !== undefined) {
    if (!Array.isArray(c.waiting)) throw new InvalidInputError('waiting must be a list of waits');
    c.waiting.forEach(rangeWait);
  }
  return { carried: c as unknown as BackfillCarried };
}

/** Days in flight at most for one backfill. */
export const MAX_BACKFILL_PARALLEL = 64;

export function checkBackfillInput(input: unknown): BackfillInput {
  const r = record(input, 'backfill');
  const from = date(r.from);
  const to = date(r.to);
  if (to < from) throw new InvalidInputError(`to (${to}) is before from (${from})`);
  if (typeof r.mode !== 'string' || !(BACKFILL_MODES as readonly string[]).includes(r.mode)) {
    throw new InvalidInputError(`mode must be one of ${BACKFILL_MODES.join(', ')}, got ${JSON.stringify(r.mode)}`);
  }
  const parallel = r.parallel;
  if (typeof parallel !== 'number' || !Number.isInteger(parallel) || parallel < 1 || parallel > MAX_BACKFILL_PARALLEL) {
    throw new InvalidInputError(
      `parallel must be a whole number from 1 to ${MAX_BACKFILL_PARALLEL}, got ${JSON.stringify(parallel)}`,
    );
  }
  if (r.datasets !== undefined && (!Array.isArray(r.datasets) || r.datasets.length === 0)) {
    throw new InvalidInputError('datasets must be a non-empty list');
  }
  const daysPerRun = r.daysPerRun;
  if (daysPerRun !== undefined && (typeof daysPerRun !== 'number' || !Number.isInteger(daysPerRun) || daysPerRun < 1)) {
    throw new InvalidInputError(`daysPerRun must be a whole number of at least 1, got ${JSON.stringify(daysPerRun)}`);
  }
  const rangeDays = r.rangeDays;
  if (rangeDays !== undefined && (typeof rangeDays !== 'number' || !Number.isInteger(rangeDays) || rangeDays < 1)) {
    throw new InvalidInputError(`rangeDays must be a whole number of at least 1, got ${JSON.stringify(rangeDays)}`);
  }
  if (r.perDay !== undefined && typeof r.perDay !== 'boolean')
    throw new InvalidInputError(`perDay must be true or false, got ${JSON.stringify(r.perDay)}`);
  return {
    from,
    to,
    mode: r.mode as BackfillMode,
    ...(rangeDays !== undefined ? { rangeDays } : {}),
    ...(r.perDay === true ? { perDay: true } : {}),
    parallel,
    ...(daysPerRun !== undefined ? { daysPerRun } : {}),
    ...(Array.isArray(r.datasets) ? { datasets: [...new Set(r.datasets.map(dataset))] } : {}),
    ...carried(r.carried),
    ...importRef(r.importRef),
  };
}

/** The runs of a dataset's day for files claimed into it: the dataset, the day, requesters carried over. */
export function checkDayIngestionInput(input: unknown): DayIngestionInput {
  const r = record(input, 'dayIngestion');
  const pending = r.pending;
  if (pending !== undefined && (!Array.isArray(pending) || pending.some((p) => typeof p !== 'string' || p === '')))
    throw new InvalidInputError('pending must be a list of workflow IDs');
  return {
    dataset: dataset(r.dataset),
    date: date(r.date),
    ...(pending === undefined ? {} : { pending: pending as string[] }),
  };
}

const TRIGGER_KINDS: ReadonlyArray<BillingTrigger['kind']> = ['schedule', 'late-day', 'rates', 'snapshot', 'manual'];

/** A reason to bill a month, as the `bill` signal carries it. */
export function checkBillingTrigger(value: unknown): BillingTrigger {
  const r = record(value, 'billing trigger');
  if (typeof r.kind !== 'string' || !(TRIGGER_KINDS as readonly string[]).includes(r.kind))
    throw new InvalidInputError(`kind must be one of ${TRIGGER_KINDS.join(', ')}, got ${JSON.stringify(r.kind)}`);
  const flows = r.flows;
  if (flows !== undefined && (!Array.isArray(flows) || flows.some((f) => typeof f !== 'string')))
    throw new InvalidInputError('flows must be a list of file names');
  const ratesSha256 = r.ratesSha256;
  if (ratesSha256 !== undefined && (typeof ratesSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(ratesSha256)))
    throw new InvalidInputError('ratesSha256 must be a SHA-256 in hexadecimal');
  const count = r.count;
  if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1))
    throw new InvalidInputError('count must be a whole number ≥ 1');
  const snapshot = r.snapshot;
  if (snapshot !== undefined && typeof snapshot !== 'string')
    throw new InvalidInputError('snapshot must be the key of an imported file');
  return {
    kind: r.kind as BillingTrigger['kind'],
    ...(r.date === undefined ? {} : { date: date(r.date) }),
    ...(flows === undefined ? {} : { flows: flows as string[] }),
    ...(ratesSha256 === undefined ? {} : { ratesSha256 }),
    ...(snapshot === undefined ? {} : { snapshot }),
    ...(count === undefined ? {} : { count }),
  };
}

export function checkBillingMonthInput(input: unknown): BillingMonthInput {
  const r = record(input, 'billingMonth');
  if (typeof r.month !== 'string' || !isMonth(r.month))
    throw new InvalidInputError(`month must be a month written YYYY-MM, got ${JSON.stringify(r.month)}`);
  const pending = r.pending;
  if (pending !== undefined && !Array.isArray(pending))
    throw new InvalidInputError('pending must be a list of triggers');
  return {
    month: r.month,
    ...(pending === undefined ? {} : { pending: pending.map(checkBillingTrigger) }),
    ...(r.failing === undefined ? {} : { failing: checkBillingFailing(r.failing) }),
  };
}

/** A failing billing carried over a continue-as-new. */
function checkBillingFailing(value: unknown): BillingFailing {
  const r = record(value, 'failing');
  if (typeof r.since !== 'string' || typeof r.why !== 'string' || typeof r.attempts !== 'number')
    throw new InvalidInputError('failing must give since, attempts and why');
  if (r.nextAt !== undefined && typeof r.nextAt !== 'string')
    throw new InvalidInputError('failing.nextAt must be a time');
  return {
    since: r.since,
    attempts: r.attempts,
    why: r.why,
    ...(r.nextAt === undefined ? {} : { nextAt: r.nextAt }),
  };
}
