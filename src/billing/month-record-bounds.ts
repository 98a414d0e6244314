/**
 * A month's record kept under RECORD_MAX_BYTES however many requests, versions and refused days
 * come (docs/billing.md, "The month's invariant"): a DynamoDB item stops at 400 KB, and every
 * reader of the month reads the whole record.
 *
 * - Each version's and run's triggers: at most TRIGGERS_KEPT (merged by kind and day beforehand,
 *   with counts), each with at most FLOWS_KEPT_IN_RECORD flows; `triggersOmitted` counts the rest.
 * - The days not read: at most UNUSABLE_DAYS_KEPT, the earliest first; `unusableDaysOmitted` counts
 *   the rest.
 * - Then, while the record is over RECORD_MAX_BYTES, the oldest run goes (the last one stays), then
 *   the oldest version but the first and the last: the first is what the month was first billed
 *   as, the last is the month as it stands. A version dropped keeps its Parquet at its key.
 */
import type { BillingSummary, BillingVersion } from './billing-record.js';
import type { BillingTrigger } from '../workflow-safe/billing.js';

/** What a record may weigh as JSON, under the 64 KB promised (docs/billing.md). */
export const RECORD_MAX_BYTES = 60_000;
export const TRIGGERS_KEPT = 16;
export const FLOWS_KEPT_IN_RECORD = 10;
export const UNUSABLE_DAYS_KEPT = 40;

/** Triggers within TRIGGERS_KEPT and FLOWS_KEPT_IN_RECORD, and how many were left out. */
export function keptTriggers(triggers: readonly BillingTrigger[]): {
  triggers: BillingTrigger[];
  triggersOmitted?: number;
} {
  const kept = triggers
    .slice(0, TRIGGERS_KEPT)
    .map((t) => (t.flows === undefined ? t : { ...t, flows: t.flows.slice(0, FLOWS_KEPT_IN_RECORD) }));
  const omitted = triggers.length - kept.length;
  return omitted > 0 ? { triggers: kept, triggersOmitted: omitted } : { triggers: kept };
}

/** The days not read within UNUSABLE_DAYS_KEPT, and how many more there were. */
export function keptUnusableDays(days: ReadonlyArray<{ readonly date: string; readonly why: string }>): {
  unusableDays: Array<{ date: string; why: string }>;
  unusableDaysOmitted?: number;
} {
  const kept = days.slice(0, UNUSABLE_DAYS_KEPT).map(({ date, why }) => ({ date, why }));
  const omitted = days.length - kept.length;
  return omitted > 0 ? { unusableDays: kept, unusableDaysOmitted: omitted } : { unusableDays: kept };
}

const bytesOf = (summary: BillingSummary) => Buffer.byteLength(JSON.stringify(summary));

/** The versions without the oldest one that is neither the first nor the last (there are more than 2). */
const withoutOldestMiddle = (versions: readonly BillingVersion[]): BillingVersion[] =>
  versions.filter((_, index) => index !== 1);

/** `summary` within RECORD_MAX_BYTES: its oldest runs, then its oldest middle versions, dropped (see the module's doc). */
export function withinRecordSize(summary: BillingSummary): BillingSummary {
  let bounded = summary;
  while (bytesOf(bounded) > RECORD_MAX_BYTES) {
    if (bounded.runs.length > 1) bounded = { ...bounded, runs: bounded.runs.slice(1) };
    else if (bounded.versions.length > 2) bounded = { ...bounded, versions: withoutOldestMiddle(bounded.versions) };
    // With the caps above, a first and a last version and one run fit: never reached.
    else break;
  }
  return bounded;
}
