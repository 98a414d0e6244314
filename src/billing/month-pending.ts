/**
 * A month's pending record, `billing-pending/month={YYYY-MM}` in the records' reports: the billing
 * of the month that fails, since when, how often, why, when it is tried again, and the requests it
 * keeps. Written by the month's workflow when a billing fails (`noteBillingFailing`), cleared by its
 * next billing that succeeds; read by `courant status`, the API and the console (docs/billing.md,
 * "The month's invariant").
 */
import { z } from 'zod';
import type { RecordStore } from '../storage/records.js';
import { triggerSchema } from './billing-record.js';

export const billingPendingPeriod = (month: string) => `billing-pending/month=${month}`;

export const billingFailingSchema = z.object({
  since: z.string(),
  attempts: z.number().int(),
  why: z.string(),
  /** Absent: not tried again by itself (a fault only a release mends, such as a rates file). */
  nextAt: z.string().optional(),
});

const pendingSchema = z.object({
  month: z.string(),
  /** Null once a billing succeeded after it. */
  failing: billingFailingSchema.nullable(),
  triggers: z.array(triggerSchema),
});

/** What the API says of a month whose billing fails: the failure and the requests it keeps. */
export const billingPendingSchema = z.object({
  failing: billingFailingSchema.nullable(),
  triggers: z.array(triggerSchema),
});
export type BillingPending = z.infer<typeof pendingSchema>;

/** The month's failing billing with the requests it keeps, or null when none fails. */
export async function getBillingPending(records: RecordStore, month: string): Promise<BillingPending | null> {
  const record = await records.getReport(billingPendingPeriod(month));
  if (record === null) return null;
  const pending = pendingSchema.parse(record.summary);
  return pending.failing === null ? null : pending;
}

export async function putBillingPending(records: RecordStore, pending: BillingPending): Promise<void> {
  await records.upsertReport({
    period: billingPendingPeriod(pending.month),
    summary: pendingSchema.parse(pending),
    keys: [],
  });
}

/** Clears the month's failing billing, if one was noted (one read when none was). */
export async function clearBillingPending(records: RecordStore, month: string): Promise<void> {
  if ((await getBillingPending(records, month)) === null) return;
  await putBillingPending(records, { month, failing: null, triggers: [] });
}
