/**
 * A month's billing record, kept in the record store's `reports` table under the period
 * `billing/month={YYYY-MM}`: the totals of the month as last billed, the SHA-256 of its Parquet,
 * the hash of the rates it was priced with, the day records it read (its watermark), when its
 * figures last moved, its versions (each run that moved the figures: when, why, its totals; each
 * kept at its own key), and the last runs with why each ran (the schedule, a late day and the flows
 * it read, a change of rates, a snapshot import, an operator) and whether it moved them. Written by
 * `putBillingRecord` (month-record-write.ts); checked with zod when read.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { sqlString } from '../duckdb/columns.js';
import type { RecordStore } from '../storage/records.js';

export const triggerSchema = z.object({
  kind: z.enum(['schedule', 'late-day', 'rates', 'snapshot', 'manual']),
  date: z.string().optional(),
  flows: z.array(z.string()).readonly().optional(),
  ratesSha256: z.string().optional(),
  snapshot: z.string().optional(),
  count: z.number().int().optional(),
});

/** Per amount, the contracts it leaves out: not computed, or computed for part of the month only. */
const leftOutSchema = z.object({
  turpeFixedEur: z.number().int(),
  turpeVariableEur: z.number().int(),
  ctaEur: z.number().int(),
});

export const billingTotalsSchema = z.object({
  /** Rows of the month: its contracts', and the rows of no contract (an event without reference, readings without contract). */
  contracts: z.number().int(),
  withProblems: z.number().int(),
  /** Rows of a contract: those the amounts are the sums of. */
  billable: z.number().int().default(0),
  days: z.number().int(),
  /** The sums of the amounts computed (exact, in euros). */
  turpeFixedEur: z.number(),
  turpeVariableEur: z.number(),
  ctaEur: z.number(),
  leftOut: leftOutSchema.default({ turpeFixedEur: 0, turpeVariableEur: 0, ctaEur: 0 }),
  /** PRM-days billed on two contracts or more (`overlapping_contracts`). */
  overlapPrmDays: z.number().int().default(0),
  /** PRMs read in the month with no contract in force (`readings_without_contract`). */
  readingsWithoutContract: z.number().int().default(0),
});
export type BillingTotals = z.infer<typeof billingTotalsSchema>;

/** A version of the month: a run that moved its figures. */
export const billingVersionSchema = z.object({
  version: z.number().int().min(1),
  sha256: z.string(),
  at: z.string(),
  triggers: z.array(triggerSchema),
  /** Triggers left out of the record beyond its bounds (`month-record-bounds.ts`). */
  triggersOmitted: z.number().int().optional(),
  totals: billingTotalsSchema,
});
export type BillingVersion = z.infer<typeof billingVersionSchema>;

export const billingSummarySchema = billingTotalsSchema.extend({
  month: z.string(),
  sha256: z.string(),
  /** The hash of the rates the month was last priced with (`monthRatesSha256`); absent: billed before it was kept. */
  ratesSha256: z.string().optional(),
  /** Oldest first; the last is the month as it stands. Empty in a record written before versions were kept. */
  versions: z.array(billingVersionSchema).default([]),
  /** The days the month's billing could not read, and why (docs/billing.md, "Days billing reads"). */
  unusableDays: z.array(z.object({ date: z.string(), why: z.string() })).default([]),
  /** Days not read beyond those listed (`month-record-bounds.ts`). */
  unusableDaysOmitted: z.number().int().optional(),
  /** When the month's figures last changed (ISO-8601). */
  movedAt: z.string(),
  /**
   * The day records the month as it stands read (`watermarkOf`): how many, their digest, and when
   * they were read. Absent in a record written before it was kept.
   */
  watermark: z.object({ days: z.number().int(), sha256: z.string(), readAt: z.string() }).optional(),
  runs: z.array(
    z.object({
      at: z.string(),
      sha256: z.string(),
      changed: z.boolean(),
      triggers: z.array(triggerSchema),
      triggersOmitted: z.number().int().optional(),
    }),
  ),
});
export type BillingSummary = z.infer<typeof billingSummarySchema>;

const TOTALS_FIELDS = Object.keys(billingTotalsSchema.shape) as Array<keyof BillingTotals>;

/** The totals of a record (its own fields). */
const totalsOf = (summary: BillingSummary): BillingTotals =>
  billingTotalsSchema.parse(Object.fromEntries(TOTALS_FIELDS.map((field) => [field, summary[field]])));

/**
 * The record's versions, oldest first: those it lists, or, for a record written before versions
 * were kept, the month as it stands as version 1.
 */
export function versionsOf(summary: BillingSummary): BillingVersion[] {
  if (summary.versions.length > 0) return summary.versions;
  const moved = summary.runs.filter((run) => run.changed).at(-1);
  return [
    {
      version: 1,
      sha256: summary.sha256,
      at: summary.movedAt,
      triggers: moved?.triggers ?? [],
      totals: totalsOf(summary),
    },
  ];
}

/** The month's version as it stands. */
export function currentVersion(summary: BillingSummary): BillingVersion {
  const versions = versionsOf(summary);
  const last = versions[versions.length - 1];
  if (last === undefined) throw new Error(`the billing record of ${summary.month} lists no version`);
  return last;
}

/** The record's period in the `reports` table. */
export const billingPeriod = (month: string) => `billing/month=${month}`;

/** The month's record, or null when it was never billed by the workflow. */
export async function getBillingRecord(records: RecordStore, month: string): Promise<BillingSummary | null> {
  const record = await records.getReport(billingPeriod(month));
  return record === null ? null : billingSummarySchema.parse(record.summary);
}

/**
 * The totals of a month's Parquet: its rows, those with problems, the supplied days, the sums of the
 * amounts computed and, per amount, the contracts it leaves out; the PRM-days billed twice, the PRMs
 * read without a contract.
 */
export async function billingTotals(db: DuckDBConnection, file: string): Promise<BillingTotals> {
  const month = `read_parquet(${sqlString(file)})`;
  const leftOut = (amount: string, json: string) =>
    `count(*) FILTER (WHERE contract IS NOT NULL AND (${amount} IS NULL OR list_contains(incomplete, '${json}')))::INTEGER`;
  const reader = await db.runAndReadAll(
    `SELECT count(*)::INTEGER AS contracts, count(*) FILTER (WHERE len(problems) > 0)::INTEGER AS with_problems,
       count(contract)::INTEGER AS billable,
       coalesce(sum(days), 0)::INTEGER AS days, coalesce(sum(turpe_fixed_eur), 0)::DOUBLE AS fixed,
       coalesce(sum(turpe_variable_eur), 0)::DOUBLE AS variable, coalesce(sum(cta_eur), 0)::DOUBLE AS cta,
       ${leftOut('turpe_fixed_eur', 'turpeFixedEur')} AS fixed_left_out,
       ${leftOut('turpe_variable_eur', 'turpeVariableEur')} AS variable_left_out,
       ${leftOut('cta_eur', 'ctaEur')} AS cta_left_out,
       count(*) FILTER (WHERE list_contains(list_transform(problems, p -> p.code), 'readings_without_contract'))::INTEGER AS unread,
       (SELECT coalesce(sum(n), 0)::INTEGER FROM (
          SELECT count(*) - count(DISTINCT day) AS n FROM (
            SELECT prm, unnest(generate_series(p."from"::DATE, p."to"::DATE - 1, INTERVAL 1 DAY)) AS day
            FROM (SELECT prm, unnest(periods) AS p FROM ${month}
                  WHERE list_contains(list_transform(problems, q -> q.code), 'overlapping_contracts')))
          GROUP BY prm)) AS overlap
     FROM ${month}`,
  );
  const row = z
    .object({
      contracts: z.number(),
      with_problems: z.number(),
      billable: z.number(),
      days: z.number(),
      fixed: z.number(),
      variable: z.number(),
      cta: z.number(),
      fixed_left_out: z.number(),
      variable_left_out: z.number(),
      cta_left_out: z.number(),
      unread: z.number(),
      overlap: z.number(),
    })
    .parse(reader.getRowObjectsJson()[0]);
  return {
    contracts: row.contracts,
    withProblems: row.with_problems,
    billable: row.billable,
    days: row.days,
    turpeFixedEur: row.fixed,
    turpeVariableEur: row.variable,
    ctaEur: row.cta,
    leftOut: { turpeFixedEur: row.fixed_left_out, turpeVariableEur: row.variable_left_out, ctaEur: row.cta_left_out },
    overlapPrmDays: row.overlap,
    readingsWithoutContract: row.unread,
  };
}

/**
 * A total amount as a person should read it: the sum of what is computed, prefixed `≥` when some
 * contracts are left out (`not computed for 2 of 40 contracts`), and no sum at all (`–`, `not
 * computed for any of 40 contracts`) when every one is: never a 0.00 € that reads as nothing due.
 */
export function totalAmountText(
  euros: number,
  leftOut: number,
  billable: number,
): { readonly value: string; readonly note: string | null } {
  const sum = `${euros.toFixed(2)} €`;
  if (leftOut === 0 || billable === 0) return { value: sum, note: null };
  if (leftOut >= billable) return { value: '–', note: `not computed for any of ${billable} contracts` };
  return { value: `≥ ${sum}`, note: `not computed, or in part only, for ${leftOut} of ${billable} contracts` };
}
