/**
 * Writes a month's billing record after a billing (`putBillingRecord`): its totals, hashes, the day
 * records read, when it moved, a new version when it moved, the run appended with its triggers
 * merged (the last BILLING_RUNS_KEPT kept), all within the record's bounds (`month-record-bounds.ts`).
 */
import type { RecordStore } from '../storage/records.js';
import { mergeTriggers, type BillingTrigger } from '../workflow-safe/billing.js';
import { billingKeys } from '../workflow-safe/keys.js';
import { billingPeriod, triggerSchema, versionsOf, type BillingSummary, type BillingTotals } from './billing-record.js';
import { keptTriggers, keptUnusableDays, withinRecordSize } from './month-record-bounds.js';

/** Runs kept in the record, newest last. */
export const BILLING_RUNS_KEPT = 20;

/** The version a billing whose figures moved writes after `before`. */
export const nextVersion = (before: BillingSummary | null): number =>
  before === null ? 1 : (versionsOf(before).at(-1)?.version ?? 0) + 1;

export interface BillingRun {
  readonly month: string;
  readonly totals: BillingTotals;
  readonly unusableDays: ReadonlyArray<{ readonly date: string; readonly why: string }>;
  readonly sha256: string;
  readonly ratesSha256: string;
  readonly watermark: { readonly days: number; readonly sha256: string; readonly readAt: string };
  readonly at: string;
  readonly triggers: readonly BillingTrigger[];
  readonly before: BillingSummary | null;
}

/** See the module's doc. */
export async function putBillingRecord(records: RecordStore, run: BillingRun): Promise<BillingSummary> {
  const changed = run.before?.sha256 !== run.sha256;
  const triggers = keptTriggers(mergeTriggers(run.triggers).map((t) => triggerSchema.parse(t)));
  const earlier = run.before === null ? [] : versionsOf(run.before);
  const versions = changed
    ? [
        ...earlier,
        { version: nextVersion(run.before), sha256: run.sha256, at: run.at, ...triggers, totals: run.totals },
      ]
    : earlier;
  const summary: BillingSummary = withinRecordSize({
    month: run.month,
    ...run.totals,
    ...keptUnusableDays(run.unusableDays),
    sha256: run.sha256,
    ratesSha256: run.ratesSha256,
    versions,
    movedAt: changed || run.before === null ? run.at : run.before.movedAt,
    watermark: run.watermark,
    runs: [...(run.before?.runs ?? []), { at: run.at, sha256: run.sha256, changed, ...triggers }].slice(
      -BILLING_RUNS_KEPT,
    ),
  });
  await records.upsertReport({ period: billingPeriod(run.month), summary, keys: [billingKeys.month(run.month)] });
  return summary;
}
