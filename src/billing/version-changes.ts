/**
 * The changes of a month between two of its versions, read from the stored versions
 * (`monthChanges`): what a regularization is built from. The later version is the month as it
 * stands; the earlier one `since`, by default the version before it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readableFile } from '../storage/readable-file.js';
import { billingKeys } from '../workflow-safe/keys.js';
import { currentVersion, getBillingRecord, versionsOf, type BillingVersion } from './billing-record.js';
import { monthChanges, type ChangesPage, type ContractChange } from './month-changes.js';
import type { BillingStorage } from './stored-month.js';

/** Two versions of a month to compare: `from` and the month as it stands (`to`), each's Parquet as a file. */
export interface VersionsCompared {
  readonly month: string;
  readonly from: BillingVersion;
  readonly to: BillingVersion;
  /** The versions after `from` up to `to`, each with why it was billed: the causes of the changes. */
  readonly causes: BillingVersion[];
  readonly fromFile: string;
  readonly toFile: string;
}

/** The changes of a month between two versions, every contract that moved read. */
export interface MonthVersionChanges {
  readonly month: string;
  readonly from: BillingVersion;
  readonly to: BillingVersion;
  readonly causes: BillingVersion[];
  readonly contracts: ContractChange[];
}

/** A version asked for that the month does not have; says the ones it has. */
export class UnknownVersionError extends Error {
  constructor(
    readonly month: string,
    readonly version: number,
    readonly versions: readonly number[],
  ) {
    super(`${month} has no version ${version}: its versions are ${versions.join(', ')}`);
    this.name = 'UnknownVersionError';
  }
}

/**
 * `month`'s version `since` (by default the one before the latest) and the latest, their Parquets
 * made readable in `dir`; null when the month was never billed. Throws UnknownVersionError for a
 * version it does not have, ObjectNotFoundError when a version's Parquet is gone from storage.
 */
export async function versionsToCompare(
  storage: BillingStorage,
  dir: string,
  month: string,
  since?: number,
): Promise<VersionsCompared | null> {
  const record = await getBillingRecord(storage.records, month);
  if (record === null) return null;
  const versions = versionsOf(record);
  const to = currentVersion(record);
  const from = since === undefined ? (versions[versions.length - 2] ?? to) : versions.find((v) => v.version === since);
  if (from === undefined)
    throw new UnknownVersionError(
      month,
      since ?? 0,
      versions.map((v) => v.version),
    );
  const fileOf = async (version: BillingVersion) =>
    (
      await readableFile(
        storage.objects,
        version.version === to.version ? billingKeys.month(month) : billingKeys.monthVersion(month, version.version),
        dir,
        `v${version.version}.parquet`,
      )
    ).path;
  const toFile = await fileOf(to);
  const fromFile = from.version === to.version ? toFile : await fileOf(from);
  return { month, from, to, causes: versions.filter((v) => v.version > from.version), fromFile, toFile };
}

/** The changes of `month` from version `since` to the latest (`versionsToCompare`), a page of them when asked. */
export async function changesSince(
  storage: BillingStorage,
  scratch: { readonly dir: string; readonly db: DuckDBConnection },
  month: string,
  since?: number,
  page?: ChangesPage,
): Promise<MonthVersionChanges | null> {
  const compared = await versionsToCompare(storage, scratch.dir, month, since);
  if (compared === null) return null;
  const { fromFile, toFile, ...versions } = compared;
  return { ...versions, contracts: await monthChanges(scratch.db, fromFile, toFile, page) };
}
