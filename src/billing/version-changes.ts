/**
 * The changes of a month between two of its versions, read from the stored versions
 * (`monthChanges`): what a regularization is built from. The later version is the month as it
 * stands; the earlier one `since`, by default the version before it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store.js';
import { readableFile } from '../storage/readable-file.js';
import { billingKeys } from '../workflow-safe/keys.js';
import { currentVersion, versionsOf, type BillingSummary, type BillingVersion } from './billing-record.js';
import { monthChanges, type ChangesPage, type ContractChange } from './month-changes.js';

/** Two versions of a month to compare: `from` and the month as it stands (`to`). */
export interface VersionsCompared {
  readonly month: string;
  readonly from: BillingVersion;
  readonly to: BillingVersion;
  /** The versions after `from` up to `to`, each with why it was billed: the causes of the changes. */
  readonly causes: BillingVersion[];
}

/** The changes of a month between two versions: a page of the contracts that moved, and how many moved in all. */
export interface MonthVersionChanges extends VersionsCompared {
  readonly contracts: ContractChange[];
  readonly moved: number;
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
 * A version the record lists whose Parquet storage no longer holds (deleted by hand, or gone before
 * the run that replaced it could keep it): its rows cannot be compared.
 */
export class VersionNotStoredError extends Error {
  constructor(
    readonly month: string,
    readonly version: number,
    readonly key: string,
    options: { cause: unknown },
  ) {
    super(
      `${month} version ${version} is listed but its Parquet is not stored (${key}): compare from another version (since)`,
      options,
    );
    this.name = 'VersionNotStoredError';
  }
}

/**
 * The versions of the month of `record` to compare: `since` (by default the one before the latest)
 * and the latest. Throws UnknownVersionError for a version the month does not have. Reads nothing.
 */
export function versionsCompared(record: BillingSummary, since?: number): VersionsCompared {
  const versions = versionsOf(record);
  const to = currentVersion(record);
  const from = since === undefined ? (versions[versions.length - 2] ?? to) : versions.find((v) => v.version === since);
  if (from === undefined)
    throw new UnknownVersionError(
      record.month,
      since ?? 0,
      versions.map((v) => v.version),
    );
  return { month: record.month, from, to, causes: versions.filter((v) => v.version > from.version) };
}

/** The Parquets of the two versions as files in `dir` (VersionNotStoredError when one is gone from storage). */
export async function versionFiles(
  objects: ObjectStore,
  dir: string,
  compared: VersionsCompared,
): Promise<{ fromFile: string; toFile: string }> {
  const { month, from, to } = compared;
  // Each version at its own key; a latest version billed before each was stored so is the month's Parquet.
  const fileOf = async (version: BillingVersion) => {
    const key = billingKeys.monthVersion(month, version.version);
    const keys = version.version === to.version ? [key, billingKeys.month(month)] : [key];
    let missing: unknown = null;
    for (const candidate of keys) {
      try {
        return (await readableFile(objects, candidate, dir, `v${version.version}.parquet`)).path;
      } catch (error) {
        if (!(error instanceof ObjectNotFoundError)) throw error;
        missing ??= error;
      }
    }
    throw new VersionNotStoredError(month, version.version, key, { cause: missing });
  };
  const toFile = await fileOf(to);
  return { fromFile: from.version === to.version ? toFile : await fileOf(from), toFile };
}

/** The changes between the versions `compared`, a page of them when asked. */
export async function changesBetween(
  objects: ObjectStore,
  scratch: { readonly dir: string; readonly db: DuckDBConnection },
  compared: VersionsCompared,
  page?: ChangesPage,
): Promise<MonthVersionChanges> {
  const { fromFile, toFile } = await versionFiles(objects, scratch.dir, compared);
  return { ...compared, ...(await monthChanges(scratch.db, fromFile, toFile, page)) };
}
