/**
 * A month billed for good by its workflow's `billStoredMonth` (docs/billing.md, "The month's
 * invariant"): the month's rows worked out from the stored days, then, holding the month's lease,
 * each write in an order that never leaves the record naming bytes storage lacks:
 * 1. a version whose figures moved is stored at its own key (`versions/v{N}.parquet`, new bytes only);
 * 2. the record names it, with the triggers and the day records read (the watermark);
 * 3. the month's Parquet (`billing_elements.parquet`) is made those bytes, if it is not already.
 * A run killed between two steps is mended by the next: step 1 again writes the same key, step 3
 * compares the stored Parquet's SHA-256 with the record's (a drill pauses after step 1 or 2 to kill
 * it there: src/faults/pause-points.ts). A run with nothing new adds no version and leaves the
 * Parquet byte-identical. Idempotent.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { pausePoint } from '../faults/pause-points.js';
import type { HeldLease } from '../storage/held-lease.js';
import { ObjectNotFoundError } from '../storage/object-store.js';
import type { Lease } from '../storage/records.js';
import { readableFile } from '../storage/readable-file.js';
import { sha256OfFile } from '../storage/file-hash.js';
import type { BilledMonth, BillingTrigger } from '../workflow-safe/billing.js';
import { nextDate } from '../workflow-safe/partition.js';
import { billingKeys } from '../workflow-safe/keys.js';
import {
  billingTotals,
  currentVersion,
  getBillingRecord,
  type BillingSummary,
  type BillingTotals,
} from './billing-record.js';
import { withMonthLease } from './month-lease.js';
import { clearBillingPending } from './month-pending.js';
import { monthRatesSha256 } from './month-rates.js';
import { nextVersion, putBillingRecord } from './month-record-write.js';
import type { Rates } from './rates.js';
import { monthDays, writeStoredMonth, type BillingStorage, type WrittenMonth } from './stored-month.js';
import { daysSucceededSince, watermarkOf } from './stored-tables.js';

export interface MonthBilled extends BilledMonth {
  readonly version: number;
  readonly totals: BillingTotals;
  readonly unusable: ReadonlyArray<{ readonly date: string; readonly why: string }>;
  readonly record: BillingSummary;
  readonly lateDays: readonly string[];
}

/** The object at `key` as a readable file and its SHA-256, or null when it is absent. */
async function storedFile(
  storage: BillingStorage,
  dir: string,
  key: string,
  name: string,
): Promise<{ path: string; sha256: string } | null> {
  try {
    const { path } = await readableFile(storage.objects, key, dir, name);
    return { path, sha256: await sha256OfFile(path) };
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return null;
    throw error;
  }
}

/**
 * Stores `before`'s current version at its own key when a record written before each version was
 * stored so left it only in the month's Parquet (once: a retry finds it there).
 */
async function keepEarlierLayoutVersion(storage: BillingStorage, dir: string, month: string, before: BillingSummary) {
  const key = billingKeys.monthVersion(month, currentVersion(before).version);
  if ((await storage.objects.head(key)) !== null) return;
  const stored = await storedFile(storage, dir, billingKeys.month(month), 'replaced.parquet');
  if (stored?.sha256 === before.sha256) await storage.objects.putFile(key, stored.path);
}

/** Who bills a month for good, and what it does while another holds the month's lease. */
export interface MonthBiller {
  readonly holder: string;
  readonly whenHeld: (held: Lease) => Promise<void>;
  /** Called as the billing goes (to heartbeat). */
  readonly progress: (stage: string) => void;
  /** Aborted once the billing is given up: no write after it. */
  readonly signal?: AbortSignal;
}

/** The writes of steps 1–3 (see the module's doc), under the month's lease. */
async function recordMonth(
  storage: BillingStorage,
  dir: string,
  lease: HeldLease,
  run: { readonly month: string; readonly file: string; readonly sha256: string },
  record: (before: BillingSummary | null) => Parameters<typeof putBillingRecord>[1],
): Promise<{ before: BillingSummary | null; record: BillingSummary; version: number }> {
  const { month, file, sha256 } = run;
  const before = await getBillingRecord(storage.records, month);
  const changed = before?.sha256 !== sha256;
  const version = changed ? nextVersion(before) : currentVersion(before).version;
  if (changed) {
    if (before !== null) await keepEarlierLayoutVersion(storage, dir, month, before);
    await lease.guard();
    await storage.objects.putFile(billingKeys.monthVersion(month, version), file);
    await pausePoint('billing:version-written');
  }
  await lease.guard();
  const written = await putBillingRecord(storage.records, record(before));
  await pausePoint('billing:record-written');
  if ((await storedFile(storage, dir, billingKeys.month(month), 'stored.parquet'))?.sha256 !== sha256) {
    await lease.guard();
    await storage.objects.putFile(billingKeys.month(month), file);
  }
  return { before, record: written, version };
}

/**
 * Bills `month` from the stored days for `triggers` (see the module's doc), then looks again at the
 * day records: the days that succeeded since they were read are given back (`lateDays`) to be billed.
 */
export async function billAndRecordMonth(
  storage: BillingStorage,
  scratch: { readonly dir: string; readonly db: DuckDBConnection },
  rates: Rates,
  month: string,
  triggers: readonly BillingTrigger[],
  biller: MonthBiller,
): Promise<MonthBilled & { readonly file: string }> {
  const readAt = new Date().toISOString();
  biller.progress('reading the days');
  const written = await writeStoredMonth(storage, scratch.dir, scratch.db, rates, month, { fillFolds: true });
  return recordBilledMonth(storage, scratch, rates, { month, triggers, readAt }, written, biller);
}

/**
 * Records `written`, the month's rows as computed from the day records read at `run.readAt` (steps
 * 1–3 of the module's doc, under the month's lease), then looks again at the day records: the days
 * that succeeded since are given back (`lateDays`).
 */
export async function recordBilledMonth(
  storage: BillingStorage,
  scratch: { readonly dir: string; readonly db: DuckDBConnection },
  rates: Rates,
  run: { readonly month: string; readonly triggers: readonly BillingTrigger[]; readonly readAt: string },
  written: WrittenMonth,
  biller: MonthBiller,
): Promise<MonthBilled & { readonly file: string }> {
  const { month, triggers, readAt } = run;
  biller.progress('recording');
  const sha256 = await sha256OfFile(written.file);
  const totals = await billingTotals(scratch.db, written.file);
  const { before, record, version } = await withMonthLease(
    storage.records,
    month,
    biller.holder,
    (lease) =>
      recordMonth(storage, scratch.dir, lease, { month, file: written.file, sha256 }, (b) => ({
        month,
        totals,
        unusableDays: written.unusable,
        sha256,
        ratesSha256: monthRatesSha256(rates, month),
        watermark: { ...watermarkOf(written.read), readAt },
        at: new Date().toISOString(),
        triggers,
        before: b,
      })),
    biller.whenHeld,
    biller.signal,
  );
  await clearBillingPending(storage.records, month);
  const { readingDays, last } = monthDays(month);
  const from = [...written.read.keys(), ...readingDays].sort()[0] ?? readingDays[0] ?? last;
  const lateDays = await daysSucceededSince(
    storage.objects,
    storage.records,
    { from, until: nextDate(last), readingDays },
    written.read,
  );
  return {
    month,
    contracts: written.contracts,
    sha256,
    changed: before?.sha256 !== sha256,
    version,
    file: written.file,
    totals,
    unusable: written.unusable,
    record,
    lateDays,
  };
}
