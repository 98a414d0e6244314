/**
 * Storage keys (DESIGN §3) and workflow IDs (DESIGN §2), built from validated parts only, so
 * a key can never leave its prefix. Pure: workflows import it.
 */
import { isDatasetName, type DatasetName } from './datasets.js';
import { isPartitionDate } from './partition.js';

const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const EXTENSION_PATTERN = /^[a-z0-9]{1,8}$/;

function checkDataset(dataset: string): DatasetName {
  if (!isDatasetName(dataset)) throw new RangeError(`unknown dataset "${dataset}"`);
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

function partition(area: string, dataset: string, date: string): string {
  return `${area}/${checkDataset(dataset)}/dt=${checkDate(date)}`;
}

export const storageKeys = {
  raw: (dataset: string, date: string, source: string, ext: string) =>
    `${partition('raw', dataset, date)}/${checkName('source', source)}.${checkName('extension', ext, EXTENSION_PATTERN)}`,
  rawMeta: (rawKey: string) => `${rawKey}.meta.json`,
  processed: (dataset: string, date: string, table: string) =>
    `${partition('processed', dataset, date)}/${checkName('table', table)}.parquet`,
  rejects: (dataset: string, date: string, table: string) =>
    `${partition('quarantine', dataset, date)}/${checkName('table', table)}.rejects.jsonl`,
  refusedBody: (dataset: string, date: string, source: string) =>
    `${partition('quarantine', dataset, date)}/${checkName('source', source)}.refused`,
  metrics: (dataset: string, date: string) => `${partition('metrics', dataset, date)}/metrics.json`,
  dailyReport: (date: string, ext: 'json' | 'csv' | 'html') => `reports/dt=${checkDate(date)}/daily_report.${ext}`,
} as const;

export const workflowIds = {
  daily: (date: string) => `daily/${checkDate(date)}`,
  backfill: (id: string) => `backfill/${checkName('backfill id', id, /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/)}`,
  datasetDay: (dataset: string, date: string) => `day/${checkDataset(dataset)}/${checkDate(date)}`,
} as const;

/** Backfill children run on their own task queue so that a backfill never holds up scheduled days. */
export function backfillTaskQueue(taskQueue: string): string {
  return `${taskQueue}-backfill`;
}
