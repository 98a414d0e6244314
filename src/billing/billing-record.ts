/**
 * A month's billing record, kept in the record store's `reports` table under the period
 * `billing/month={YYYY-MM}`: the totals of the month as last billed, the SHA-256 of its Parquet,
 * when its figures last moved, and the last runs with why each ran (the schedule, a late day and
 * the flows it read, an operator) and whether it moved them. Checked with zod when read.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { sqlString } from '../duckdb/columns.js';
import type { RecordStore } from '../storage/records.js';
import type { BillingTrigger } from '../workflow-safe/billing.js';
import { billingKeys } from '../workflow-safe/keys.js';

/** Runs kept in the record, newest last. */
export const BILLING_RUNS_KEPT = 20;

const triggerSchema = z.object({
  kind: z.enum(['schedule', 'late-day', 'manual']),
  date: z.string().optional(),
  flows: z.array(z.string()).optional(),
});

const totalsSchema = z.object({
  contracts: z.number().int(),
  withProblems: z.number().int(),
  days: z.number().int(),
  turpeFixedEur: z.number(),
  turpeVariableEur: z.number(),
  ctaEur: z.number(),
});
export type BillingTotals = z.infer<typeof totalsSchema>;

export const billingSummarySchema = totalsSchema.extend({
  month: z.string(),
  sha256: z.string(),
  /** When the month's figures last changed (ISO-8601). */
  movedAt: z.string(),
  runs: z.array(
    z.object({ at: z.string(), sha256: z.string(), changed: z.boolean(), triggers: z.array(triggerSchema) }),
  ),
});
export type BillingSummary = z.infer<typeof billingSummarySchema>;

/** The record's period in the `reports` table. */
export const billingPeriod = (month: string) => `billing/month=${month}`;

/** The month's record, or null when it was never billed by the workflow. */
export async function getBillingRecord(records: RecordStore, month: string): Promise<BillingSummary | null> {
  const record = await records.getReport(billingPeriod(month));
  return record === null ? null : billingSummarySchema.parse(record.summary);
}

/** The totals of a month's Parquet: contracts, those with problems, supplied days, amounts (the sums of the known ones). */
export async function billingTotals(db: DuckDBConnection, file: string): Promise<BillingTotals> {
  const reader = await db.runAndReadAll(
    `SELECT count(*)::INTEGER AS contracts, count(*) FILTER (WHERE len(problems) > 0)::INTEGER AS with_problems,
       coalesce(sum(days), 0)::INTEGER AS days, coalesce(sum(turpe_fixed_eur), 0)::DOUBLE AS fixed,
       coalesce(sum(turpe_variable_eur), 0)::DOUBLE AS variable, coalesce(sum(cta_eur), 0)::DOUBLE AS cta
     FROM read_parquet(${sqlString(file)})`,
  );
  const row = z
    .object({
      contracts: z.number(),
      with_problems: z.number(),
      days: z.number(),
      fixed: z.number(),
      variable: z.number(),
      cta: z.number(),
    })
    .parse(reader.getRowObjectsJson()[0]);
  return {
    contracts: row.contracts,
    withProblems: row.with_problems,
    days: row.days,
    turpeFixedEur: row.fixed,
    turpeVariableEur: row.variable,
    ctaEur: row.cta,
  };
}

/** Writes the month's record after a run: totals, hash, when it moved, this run appended (the last BILLING_RUNS_KEPT kept). */
export async function putBillingRecord(
  records: RecordStore,
  run: {
    month: string;
    totals: BillingTotals;
    sha256: string;
    at: string;
    triggers: readonly BillingTrigger[];
    before: BillingSummary | null;
  },
): Promise<BillingSummary> {
  const changed = run.before?.sha256 !== run.sha256;
  const summary: BillingSummary = {
    month: run.month,
    ...run.totals,
    sha256: run.sha256,
    movedAt: changed || run.before === null ? run.at : run.before.movedAt,
    runs: [
      ...(run.before?.runs ?? []),
      {
        at: run.at,
        sha256: run.sha256,
        changed,
        triggers: run.triggers.map((t) => triggerSchema.parse(t)),
      },
    ].slice(-BILLING_RUNS_KEPT),
  };
  await records.upsertReport({ period: billingPeriod(run.month), summary, keys: [billingKeys.month(run.month)] });
  return summary;
}
