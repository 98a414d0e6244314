/**
 * A month billed for good — by the monthly workflow's `billStoredMonth` and by `courant billing
 * --month M` alike, one path (docs/billing.md, "Corrections"): the month's rows written from the
 * stored days, its Parquet stored when its bytes moved, the version it replaces kept, and its
 * record written with this run, its triggers and, when the figures moved, the new version. A run
 * with nothing new leaves the Parquet byte-identical and adds no version. Idempotent: a retry after
 * any step ends as one run would have.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ObjectNotFoundError } from '../storage/object-store.js';
import type { Lease } from '../storage/records.js';
import { readableFile } from '../storage/readable-file.js';
import { sha256OfFile } from '../storage/file-hash.js';
import type { BilledMonth, BillingTrigger } from '../workflow-safe/billing.js';
import { billingKeys } from '../workflow-safe/keys.js';
import {
  billingTotals,
  currentVersion,
  getBillingRecord,
  putBillingRecord,
  type BillingSummary,
  type BillingTotals,
} from './billing-record.js';
import { withMonthLease } from './month-lease.js';
import { monthRatesSha256 } from './month-rates.js';
import type { Rates } from './rates.js';
import { writeStoredMonth, type BillingStorage } from './stored-month.js';

export interface MonthBilled extends BilledMonth {
  /** The month's Parquet in the scratch folder (gone with it). */
  readonly file: string;
  readonly totals: BillingTotals;
  readonly unusable: ReadonlyArray<{ readonly date: string; readonly why: string }>;
  readonly record: BillingSummary;
}

/**
 * Copies the month's stored Parquet, which is `before`'s current version, to that version's own
 * key before it is replaced (once: a retry finds it there). A month whose Parquet is gone keeps the
 * version in its record only.
 */
async function keepCurrentVersion(
  storage: BillingStorage,
  dir: string,
  month: string,
  before: BillingSummary,
): Promise<void> {
  const key = billingKeys.monthVersion(month, currentVersion(before).version);
  if ((await storage.objects.head(key)) !== null) return;
  try {
    const stored = await readableFile(storage.objects, billingKeys.month(month), dir, 'replaced.parquet');
    if ((await sha256OfFile(stored.path)) === before.sha256) await storage.objects.putFile(key, stored.path);
  } catch (error) {
    if (!(error instanceof ObjectNotFoundError)) throw error;
  }
}

/** Who bills a month for good, and what it does while another run holds the month (`withMonthLease`). */
export interface MonthBiller {
  readonly holder: string;
  readonly whenHeld: (held: Lease) => Promise<void>;
}

/**
 * Bills `month` from the stored days for `triggers` (see the module's doc). The month's rows are
 * worked out first; what follows (the record read, the version kept, the Parquet and the record
 * written) holds the month's lease as `biller`, so two runs never interleave their writes.
 */
export async function billAndRecordMonth(
  storage: BillingStorage,
  scratch: { readonly dir: string; readonly db: DuckDBConnection },
  rates: Rates,
  month: string,
  triggers: readonly BillingTrigger[],
  biller: MonthBiller,
): Promise<MonthBilled> {
  const written = await writeStoredMonth(storage, scratch.dir, scratch.db, rates, month);
  const sha256 = await sha256OfFile(written.file);
  const totals = await billingTotals(scratch.db, written.file);
  const { before, record } = await withMonthLease(
    storage.records,
    month,
    biller.holder,
    async () => {
      const before = await getBillingRecord(storage.records, month);
      const key = billingKeys.month(month);
      const stored = before?.sha256 === sha256 && (await storage.objects.head(key)) !== null;
      if (!stored) {
        if (before !== null && before.sha256 !== sha256) await keepCurrentVersion(storage, scratch.dir, month, before);
        await storage.objects.putFile(key, written.file);
      }
      const record = await putBillingRecord(storage.records, {
        month,
        totals,
        unusableDays: written.unusable,
        sha256,
        ratesSha256: monthRatesSha256(rates, month),
        at: new Date().toISOString(),
        triggers,
        before,
      });
      return { before, record };
    },
    biller.whenHeld,
  );
  return {
    month,
    contracts: written.contracts,
    sha256,
    changed: before?.sha256 !== sha256,
    file: written.file,
    totals,
    unusable: written.unusable,
    record,
  };
}
