/**
 * The month as its record names it, as a file DuckDB can open: the Parquet of the record's current
 * version (its own key, written before the record), else — a record written before each version was
 * stored so, or no record at all (a Parquet whose record was never written) — the month's Parquet.
 * Readers follow the record, never a Parquet a billing in flight or cut short left newer than it.
 */
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store.js';
import { readableFile } from '../storage/readable-file.js';
import { billingKeys } from '../workflow-safe/keys.js';
import { currentVersion, type BillingSummary } from './billing-record.js';

/** The readable file of `month` as `record` names it (null: never billed); `name` its name in `dir` if copied. */
export async function recordedMonthFile(
  objects: ObjectStore,
  dir: string,
  month: string,
  record: BillingSummary | null,
  name = `${month}.parquet`,
): Promise<string | null> {
  const keys = [
    ...(record === null ? [] : [billingKeys.monthVersion(month, currentVersion(record).version)]),
    billingKeys.month(month),
  ];
  for (const key of keys) {
    try {
      return (await readableFile(objects, key, dir, name)).path;
    } catch (error) {
      if (!(error instanceof ObjectNotFoundError)) throw error;
    }
  }
  return null;
}
