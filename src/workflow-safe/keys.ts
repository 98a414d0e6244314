/**
 * Storage keys (docs/architecture.md#storage-keys) and workflow IDs
 * (docs/architecture.md#the-partition), built from validated parts only, so a key can never leave
 * its prefix. Pure: workflows import it.
 */
import { isDatasetName, type DatasetName } from './datasets.js';
import { safeFileName, SHA256_PATTERN } from './imports.js';
import { isPartitionDate } from './partition.js';
import { isMonth, isYear, parsePeriod, periodSegment, type ReportPeriod } from './periods.js';

/** The source name of claimed drops in a day's raw files and in `day_runs` inputs. */
export const DROP_SOURCE = 'drop';

const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A backfill id: 1 to 128 letters, digits, `.`, `_`, `:` or `-`, starting with a letter or a digit. */
export const BACKFILL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const EXTENSION_PATTERN = /^[a-z0-9]{1,8}$/;
const SLOT_NAME_PATTERN = /^\d{4}(\d\d)?(bis)?$/;

function checkDataset(dataset: string): DatasetName {
  if (!isDatasetName(dataset)) throw new RangeError(`invalid dataset name "${dataset}"`);
  return dataset;
}

function checkDate(date: string): string {
  if (!isPartitionDate(date)) throw new RangeError(`"${date}" is not a date written YYYY-MM-DD`);
  return date;
}

function checkName(kind: string, value: string, pattern: RegExp = NAME_PATTERN): string {
  if (!pattern.test(value)) throw new RangeError(`invalid ${kind} "${value}"`);
  return value;
}

function checkMonth(month: string): string {
  if (!isMonth(month)) throw new RangeError(`"${month}" is not a month written YYYY-MM`);
  return month;
}

function checkYear(year: string): string {
  if (!isYear(year)) throw new RangeError(`"${year}" is not a year written YYYY`);
  return year;
}

/** A SHA-256 in hex, or its first 16 digits (the content part of an inbox key or ingestion ID). */
export const CONTENT_TAG_PATTERN = /^[0-9a-f]{16}(?:[0-9a-f]{48})?$/;

function checkSha256(sha256: string): string {
  if (!SHA256_PATTERN.test(sha256)) throw new RangeError(`"${sha256}" is not a sha256 written in hex`);
  return sha256;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const U64 = (1n << 64n) - 1n;

/** FNV-1a over the text's UTF-16 code units, 64 bits, as 16 hex digits: a name, not a secret. */
function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i += 1) hash = ((hash ^ BigInt(text.charCodeAt(i))) * FNV_PRIME) & U64;
  return hash.toString(16).padStart(16, '0');
}

function partition(area: string, dataset: string, date: string): string {
  return `${area}/${checkDataset(dataset)}/dt=${checkDate(date)}`;
}

export const storageKeys = {
  raw: (dataset: string, date: string, source: string, ext: string) =>
    `${partition('raw', dataset, date)}/${checkName('source', source)}.${checkName('extension', ext, EXTENSION_PATTERN)}`,
  rawMeta: (rawKey: string) => `${rawKey}.meta.json`,
  /** The folder of a day's raw files; a snapshot source's files are under `{folder}/{source}/`. */
  rawDay: (dataset: string, date: string) => partition('raw', dataset, date),
  /** A snapshot taken by the collector in slot `slot` (`HHMM`, `HHMMSS`, then `bis` when repeated) of the Paris day. */
  snapshot: (dataset: string, date: string, source: string, slot: string, ext: string) =>
    `${partition('raw', dataset, date)}/${checkName('source', source)}/${checkName('slot', slot, SLOT_NAME_PATTERN)}.${checkName('extension', ext, EXTENSION_PATTERN)}`,
  /**
   * A dropped file claimed for a day: named by its content, so the same bytes are claimed once. Its
   * `.meta.json` names where the bytes are (`claimedDropContent`, stored once for all the file's days).
   */
  claimedDrop: (dataset: string, date: string, sha256: string, ext: string) =>
    `${partition('raw', dataset, date)}/${DROP_SOURCE}-${checkSha256(sha256).slice(0, 32)}.${checkName('extension', ext, EXTENSION_PATTERN)}`,
  /** The bytes of a claimed dropped file, stored once whatever the number of days it covers. */
  claimedDropContent: (dataset: string, sha256: string, ext: string) =>
    `raw/${checkDataset(dataset)}/drops/${checkSha256(sha256)}.${checkName('extension', ext, EXTENSION_PATTERN)}`,
  /** The folder of every processed day of a dataset. */
  processedFolder: (dataset: string) => `processed/${checkDataset(dataset)}`,
  processed: (dataset: string, date: string, table: string) =>
    `${partition('processed', dataset, date)}/${checkName('table', table)}.parquet`,
  /** The day's outputs computed by a pass over an import's days, and the inputs and code version they came from (day-outputs.ts). */
  dayOutputs: (dataset: string, date: string) => `${partition('processed', dataset, date)}/outputs.json`,
  rejects: (dataset: string, date: string, table: string) =>
    `${partition('quarantine', dataset, date)}/${checkName('table', table)}.rejects.jsonl`,
  refusedBody: (dataset: string, date: string, source: string) =>
    `${partition('quarantine', dataset, date)}/${checkName('source', source)}.refused`,
  /** A snapshot body the source's check refused, kept for inspection (its slot stays missing). */
  refusedSnapshot: (dataset: string, date: string, source: string, slot: string) =>
    `${partition('quarantine', dataset, date)}/${checkName('source', source)}/${checkName('slot', slot, SLOT_NAME_PATTERN)}.refused`,
  /** A refused body kept for the record once the source later gave an accepted one: named by its content. */
  supersededRefusedBody: (dataset: string, date: string, source: string, sha256: string) =>
    `${partition('quarantine', dataset, date)}/superseded/${checkName('source', source)}-${checkSha256(sha256).slice(0, 16)}.refused`,
  metrics: (dataset: string, date: string) => `${partition('metrics', dataset, date)}/metrics.json`,
  /**
   * A downloaded raw file of a day that a blocking quality check stopped, kept for the record and
   * out of the way so that a re-run fetches the source again: named by its content.
   */
  blockedRaw: (dataset: string, date: string, source: string, sha256: string, ext: string) =>
    `${partition('quarantine', dataset, date)}/blocked/${checkName('source', source)}-${checkSha256(sha256).slice(0, 16)}.${checkName('extension', ext, EXTENSION_PATTERN)}`,
  /** The day's readings a detector found anomalous (`anomalies/{dataset}/dt={date}/anomalies.parquet`). */
  anomalies: (dataset: string, date: string) => `${partition('anomalies', dataset, date)}/anomalies.parquet`,
  /** The results of the day's data-quality checks. */
  qualityChecks: (dataset: string, date: string) => `${partition('quality', dataset, date)}/checks.json`,
  dailyReport: (date: string, ext: 'json' | 'csv' | 'html') => `reports/dt=${checkDate(date)}/daily_report.${ext}`,
} as const;

/** Period reports beside the daily ones: `reports/month=…/`, `reports/year=…/`, the index. */
export const reportKeys = {
  monthly: (month: string, ext: 'json' | 'csv' | 'html') => `reports/month=${checkMonth(month)}/monthly_report.${ext}`,
  annual: (year: string, ext: 'json' | 'csv' | 'html') => `reports/year=${checkYear(year)}/annual_report.${ext}`,
  /** The page listing every day, month and year with its status and links. */
  index: () => 'reports/index.html',
} as const;

/** A month's billing elements for analysts, one row per contract (docs/billing.md). */
export const billingKeys = {
  month: (month: string) => `billing/month=${checkMonth(month)}/billing_elements.parquet`,
  /** A version of the month's elements once a later one replaced it (the latest is at `month`). */
  monthVersion: (month: string, version: number) => {
    if (!Number.isSafeInteger(version) || version < 1)
      throw new Error(`a version is a whole number ≥ 1, got ${version}`);
    return `billing/month=${checkMonth(month)}/versions/v${String(version).padStart(4, '0')}.parquet`;
  },
  /** The go-live snapshot of the portfolio (`courant perimeter import`), every import merged. */
  snapshot: () => 'billing/snapshot/contracts.parquet',
  /** An imported snapshot file as it came, named by its content. */
  snapshotImport: (sha256: string) => `billing/snapshot/imports/${checkSha256(sha256)}.csv`,
  /** The C15 events of a month's usable days in one file, named by the days and runs it holds (`event-folds.ts`). */
  eventsFold: (month: string, sha256: string) =>
    `billing/events/month=${checkMonth(month)}/contract_events-${checkSha256(sha256)}.parquet`,
  /** Every shards' work folder of a month billed in shards (`month-shards.ts`). */
  monthShards: (month: string) => `billing/shards/month=${checkMonth(month)}`,
  /** The work folder of one billing of a month in shards: its shards' inputs, their parts, what it read. */
  shardWork: (month: string, work: string) => {
    if (!/^[A-Za-z0-9-]{1,100}$/.test(work))
      throw new Error(`a shards' work folder is letters, digits and -, got ${work}`);
    return `billing/shards/month=${checkMonth(month)}/${work}`;
  },
} as const;

/** Files dropped for a dataset, claimed into its days, then removed once their days succeeded. */
export const inboxKeys = {
  folder: (dataset: string) => `inbox/${checkDataset(dataset)}`,
  /**
   * Where `courant ingest` and the SFTP pickup put a file: its content's hash first, so two files
   * never share a key, whatever their names clean to.
   */
  file: (dataset: string, sha256: string, fileName: string) =>
    `inbox/${checkDataset(dataset)}/${checkSha256(sha256).slice(0, 16)}-${safeFileName(fileName)}`,
  /** A dropped file that no day can take (unknown shape, empty, binary), kept with its reason beside it. */
  quarantined: (dataset: string, fileName: string) =>
    `quarantine/${checkDataset(dataset)}/inbox/${safeFileName(fileName)}`,
  /** A refusal retired: a later file of the same name was read whole, so the refused copy is kept aside, out of the lists. */
  retired: (dataset: string, fileName: string) =>
    `quarantine/${checkDataset(dataset)}/retired/${safeFileName(fileName)}`,
  /** The notes of inbox files skipped for their name (a leading dot), which stay where they are. */
  skippedFolder: (dataset: string) => `quarantine/${checkDataset(dataset)}/skipped`,
  /** The note of one skipped inbox file, named by the hash of its key. */
  skippedNote: (dataset: string, keySha256: string) =>
    `quarantine/${checkDataset(dataset)}/skipped/${checkSha256(keySha256).slice(0, 32)}.reason.json`,
} as const;

/** Imported files, stored once and never rewritten: `imports/{dataset}/{sha256}/…`. */
export const importKeys = {
  file: (dataset: string, sha256: string, fileName: string) =>
    `imports/${checkDataset(dataset)}/${checkSha256(sha256)}/${safeFileName(fileName)}`,
  /** What an import covers (days, sources, rejected rows), written beside the file. */
  manifest: (dataset: string, sha256: string) =>
    `imports/${checkDataset(dataset)}/${checkSha256(sha256)}/manifest.json`,
} as const;

/**
 * The extension a dropped file is claimed under (`storageKeys.claimedDrop`): its name's, lower-cased,
 * when 1 to 8 letters or digits; else `dat`.
 */
export function dropExtension(fileName: string): string {
  const base = fileName.split('/').at(-1) ?? '';
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  return EXTENSION_PATTERN.test(ext) ? ext : 'dat';
}

/** The file name an inbox key written by `inboxKeys.file` ends with, after its content's hash (a name on an SFTP server, storage-safe). */
export function inboxNameOf(inboxKey: string): string {
  return (inboxKey.split('/').at(-1) ?? '').replace(/^[0-9a-f]{16}-/, '');
}

/** The 16 hex digits of the content's hash that an inbox key written by `inboxKeys.file` starts with; null for another key. */
export function inboxContentOf(inboxKey: string): string | null {
  return /^([0-9a-f]{16})-/.exec(inboxKey.split('/').at(-1) ?? '')?.[1] ?? null;
}

/** Whether a workflow ID is a ranged run's (`workflowIds.range`). */
export const isRangeWorkflowId = (workflowId: string) => workflowId.startsWith('range/');

export const workflowIds = {
  daily: (date: string) => `daily/${checkDate(date)}`,
  backfill: (id: string) => `backfill/${checkName('backfill id', id, BACKFILL_ID_PATTERN)}`,
  datasetDay: (dataset: string, date: string) => `day/${checkDataset(dataset)}/${checkDate(date)}`,
  /** Consecutive days of one dataset run together by a backfill (`rangeRun`). */
  range: (dataset: string, from: string, to: string) =>
    `range/${checkDataset(dataset)}/${checkDate(from)}..${checkDate(to)}`,
  /**
   * One ingestion per inbox file and content (the first 16 hex digits of its SHA-256): a file
   * replaced by other bytes, even of the same size, is ingested again. A number instead of a hash
   * is the size, as ingestions were named before (runs started by an older release).
   */
  ingest: (inboxKey: string, content: string | number) =>
    `ingest/${inboxKey}#${typeof content === 'number' ? content : checkName('content hash', content, CONTENT_TAG_PATTERN).slice(0, 16)}`,
  /**
   * One ingestion per batch of inbox files (`ingestFiles`, a round of the SFTP pickup), named by
   * its dataset and a 64-bit FNV-1a hash of its files' keys, which name their contents: the same
   * files are ingested once.
   */
  ingestBatch: (dataset: string, inboxKeys: readonly string[]) =>
    `ingest-batch/${checkDataset(dataset)}/${fnv1a64([...inboxKeys].sort().join('\n'))}`,
  /** The runs of a dataset's day for the files claimed into it, one after another (`dayIngestion`). */
  dayIngestion: (dataset: string, date: string) => `ingest-day/${checkDataset(dataset)}/${checkDate(date)}`,
  /** A month's billing (`billingMonth`), started or signalled by the billing schedule and by late days. */
  billing: (month: string) => `billing/${checkMonth(month)}`,
  /** The scan of every dataset's inbox started by the inbox schedule. */
  inboxScan: (scheduleId: string) =>
    `scheduled/${checkName('schedule id', scheduleId, /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/)}`,
  /**
   * `report/month=2016-06@{task queue}`, `report/year=2016@…`, `report/dt=2016-06-01@…`,
   * `report/index@…`: one per period and deployment (its main task queue), since a report lists
   * what that deployment's storage holds, and deployments may share a namespace.
   */
  periodReport: (period: ReportPeriod, taskQueue: string) => {
    if (parsePeriod(period.name)?.kind !== period.kind) throw new RangeError(`invalid ${period.kind} "${period.name}"`);
    return `report/${periodSegment(period)}@${mainTaskQueue(taskQueue)}`;
  },
} as const;

/** Backfill children run on their own task queue so that a backfill never holds up scheduled days. */
export function backfillTaskQueue(taskQueue: string): string {
  return `${taskQueue}-backfill`;
}

/**
 * The shards of a month's billing run on a queue of their own, which each worker polls for one at a
 * time: a worker's memory then holds one shard whatever the month's size (docs/billing.md).
 */
export function billingShardsTaskQueue(taskQueue: string): string {
  return `${mainTaskQueue(taskQueue)}-billing-shards`;
}

/** The main task queue of a deployment, from it or from its backfill queue. */
export function mainTaskQueue(taskQueue: string): string {
  return taskQueue.endsWith('-backfill') ? taskQueue.slice(0, -'-backfill'.length) : taskQueue;
}
