/** Monthly billing activities: billing a month from the stored days, and asking `billing/{YYYY-MM}` to bill. */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { requestBilling as askBilling } from '../client/request-billing.js';
import { billAndRecordMonth } from '../billing/bill-month.js';
import { waitForLease } from '../storage/held-lease.js';
import { billingPeriod, getBillingRecord } from '../billing/billing-record.js';
import { monthRatesSha256 } from '../billing/month-rates.js';
import { loadRates, type Rates } from '../billing/rates.js';
import { billedMonths, withBillingScratch } from '../billing/stored-month.js';
import { EVENT_TABLE } from '../datasets/enedis/day-transform.js';
import { sqlString } from '../duckdb/columns.js';
import { ObjectNotFoundError } from '../storage/object-store.js';
import { readableFile } from '../storage/readable-file.js';
import { BILLING_DATASET, monthsReadingDay, type BilledMonth, type BillingTrigger } from '../workflow-safe/billing.js';
import { storageKeys } from '../workflow-safe/keys.js';
import { monthOf } from '../workflow-safe/periods.js';
import type { ActivityDeps } from './deps.js';
import { classifyingBadData } from './failures.js';

/**
 * Asks every billed month whose record names other rates than `rates` price it with now (or none)
 * to bill again, the trigger naming the rates' hash. Run by each worker when it starts: new rates
 * ship with a new release. Resolves to the months asked.
 */
export async function requestRatesRebilling(
  deps: Pick<ActivityDeps, 'objects' | 'records'>,
  client: Client,
  taskQueue: string,
  rates: Rates,
): Promise<string[]> {
  const asked: string[] = [];
  for (const month of await billedMonths(deps.objects)) {
    const record = await getBillingRecord(deps.records, month);
    const ratesSha256 = monthRatesSha256(rates, month);
    if (record === null || record.ratesSha256 === ratesSha256) continue;
    await askBilling(client, taskQueue, month, { kind: 'rates', ratesSha256 });
    asked.push(month);
  }
  return asked;
}

export function createBillingActivities(deps: ActivityDeps, client: Client) {
  /**
   * Bills `month` from what the Enedis days stored (docs/billing.md) for `triggers`, the same path
   * as `courant billing --month` (`billMonth`): the Parquet rewritten only when its bytes moved, the
   * version it replaces kept, the record given the run. Idempotent. A rates file at fault fails it
   * for good (bad data) and the month keeps its last version; a store that does not answer is retried.
   * While `courant billing --month` writes the month, it waits (heartbeating) for it to be done.
   */
  async function billStoredMonth(input: {
    readonly month: string;
    readonly triggers: readonly BillingTrigger[];
  }): Promise<BilledMonth> {
    const rates = await classifyingBadData(() => loadRates(deps.ratesFiles));
    return withBillingScratch(
      async (scratch) => {
        const { activityId, workflowExecution: run } = Context.current().info;
        const billed = await billAndRecordMonth(deps, scratch, rates, input.month, input.triggers, {
          // The same for every attempt: a retry after a crash takes its own lease back at once.
          holder: `activity ${activityId} of ${run === undefined ? 'no workflow' : `${run.workflowId} run ${run.runId}`}`,
          whenHeld: waitForLease((held) => Context.current().heartbeat({ waitingFor: held.holder })),
        });
        return { month: billed.month, contracts: billed.contracts, sha256: billed.sha256, changed: billed.changed };
      },
      {
        parentDir: deps.scratchDir,
        ...(deps.duckdbMemoryLimit === undefined ? {} : { memoryLimit: deps.duckdbMemoryLimit }),
      },
    );
  }

  /** Asks `billing/{month}` to bill (signal-with-start, on this activity's task queue). */
  async function requestBilling(input: { readonly month: string; readonly trigger: BillingTrigger }): Promise<void> {
    await askBilling(client, Context.current().info.taskQueue, input.month, input.trigger);
  }

  /** Whether the day `date` stored C15 events (a `contract_events` table with a row). */
  async function storedEvents(date: string): Promise<boolean> {
    const folder = await mkdtemp(path.join(deps.scratchDir, 'late-day-'));
    try {
      const file = await readableFile(deps.objects, storageKeys.processed(BILLING_DATASET, date, EVENT_TABLE), folder);
      const connection = await deps.duckdb.connect();
      try {
        const reader = await connection.runAndReadAll(`SELECT count(*) > 0 FROM read_parquet(${sqlString(file.path)})`);
        return reader.getRows()[0]?.[0] === true;
      } finally {
        connection.closeSync();
      }
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return false;
      throw error;
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  /** Whether `month` was billed (by the workflow or `courant billing`: it has a record). */
  const isBilled = async (month: string) => (await deps.records.getReport(billingPeriod(month))) !== null;

  /**
   * After a day of the billing dataset succeeded: each month it can move that was already billed is
   * asked to bill again, the trigger naming the day and the flows it read. A day's readings move its
   * own month and, for a month's last day, the next one; a day with C15 events moves every billed
   * month from its own on (a back-dated exit ends the contract in each of them). A month not billed
   * yet is left to its schedule. Resolves to the months asked.
   */
  async function requestLateBilling(input: { readonly date: string }): Promise<string[]> {
    // One listing of the billed months first: a day of a month not billed yet (the daily run's
    // case) reads no record and no table.
    const later = (await billedMonths(deps.objects)).filter((month) => month >= monthOf(input.date));
    if (later.length === 0) return [];
    const reading = new Set(monthsReadingDay(input.date));
    const candidates =
      later.some((month) => !reading.has(month)) && (await storedEvents(input.date))
        ? later
        : later.filter((month) => reading.has(month));
    const months: string[] = [];
    for (const month of candidates) if (await isBilled(month)) months.push(month);
    if (months.length === 0) return [];
    const run = await deps.records.getDayRun(BILLING_DATASET, input.date);
    const flows = (run?.inputs ?? []).map((f) => f.key);
    for (const month of months) await requestBilling({ month, trigger: { kind: 'late-day', date: input.date, flows } });
    return months;
  }

  return { billStoredMonth, requestBilling, requestLateBilling };
}
