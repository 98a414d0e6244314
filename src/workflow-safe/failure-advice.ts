/** What an operator should do about a failed day, by its failure type. Pure; shared by workflows and the console. */
import type { ErrorTypeName } from './errors.js';

/** What to do, by failure type; `{dataset}` and `{date}` are the day's. */
const ADVICE: Partial<Record<ErrorTypeName, string>> = {
  BadData:
    'the source data is wrong: inspect the file named above (quarantine/ keeps refused bodies), fix or wait for the source',
  NoData:
    'the day has no data and never will (a source kept only during the day was not collected on it, or the day lies before what the source holds): re-running it cannot help',
  SourceRejected: 'the source refused the request: check the source URL and configuration',
  TransientIO:
    'the source or storage stayed unreachable through every retry: check connectivity and the service status',
  DataQuality:
    'the data was read but fails a quality check: look at the file named above and at quality/{dataset}/dt={date}/checks.json, and at the source',
  StorageMisconfigured:
    'a local directory of the worker cannot be written: fix its permissions or free space, or point the variable named above elsewhere, and restart the worker',
  OutputsMissing:
    'the day succeeded, but outputs its record lists are gone or changed in object storage (courant verify found them): re-run it with `courant backfill --from {date} --to {date} --datasets {dataset} --mode missing`; look for what removes objects (a lifecycle rule, a disk, an operator)',
  Cancelled:
    'the run was cancelled before it ended (with the backfill that started it, or by an operator); nothing is wrong with the day: run it again with `courant backfill --from {date} --to {date} --datasets {dataset} --mode missing`',
  MetricsSchema:
    'the {dataset} metrics code and its metrics schema (src/datasets/{dataset}/metrics-schema.ts) disagree on the fields named above: a fault of the code, not of the data; fix the one that is wrong and deploy it',
};

/** What to do about a day of `dataset` that failed with `type`; null when the type has no advice. */
export function whatToDo(type: string, dataset: string, date: string): string | null {
  const advice = ADVICE[type as ErrorTypeName];
  return advice === undefined ? null : advice.replaceAll('{dataset}', dataset).replaceAll('{date}', date);
}
