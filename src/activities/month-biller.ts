/** What the month's billing activities share: who holds the month's lease, and their heartbeats. */
import { Context } from '@temporalio/activity';
import type { MonthBilled, MonthBiller } from '../billing/bill-month.js';
import { monthLeaseName } from '../billing/month-lease.js';
import { loadRates, type Rates } from '../billing/rates.js';
import { withBillingScratch } from '../billing/stored-month.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { waitForLease } from '../storage/held-lease.js';
import type { BilledMonth } from '../workflow-safe/billing.js';
import type { ActivityDeps } from './deps.js';
import { classifyingBadData } from './failures.js';

/** Heartbeats of a billing that computes: well within its heartbeat timeout. */
const HEARTBEAT_EVERY_MS = 10_000;

/** The lease holder of this attempt of the billing activity, and the prefix every attempt of it shares. */
function attemptHolder(): { holder: string; activity: string } {
  const { activityId, workflowExecution: run, attempt } = Context.current().info;
  const activity = `activity ${activityId} of ${run === undefined ? 'no workflow' : `${run.workflowId} run ${run.runId}`}`;
  return { holder: `${activity} attempt ${attempt}`, activity };
}

/**
 * This activity's work on `month` (`work`), with the rates, a billing scratch and the biller that
 * writes the month: heartbeats every 10 s with the stage it reports, and while it waits for the
 * month's lease; an earlier attempt of this activity (timed out) loses its lease to this one.
 * A rates file at fault fails it for good (bad data).
 */
export async function asMonthBiller<T>(
  deps: ActivityDeps,
  month: string,
  work: (billing: {
    readonly rates: Rates;
    readonly scratch: { readonly dir: string; readonly db: DuckDBConnection };
    readonly biller: MonthBiller;
  }) => Promise<T>,
): Promise<T> {
  const context = Context.current();
  const rates = await classifyingBadData(() => loadRates(deps.ratesFiles));
  const { holder, activity } = attemptHolder();
  let stage = 'starting';
  const beat = setInterval(() => context.heartbeat({ stage }), HEARTBEAT_EVERY_MS);
  const biller: MonthBiller = {
    holder,
    whenHeld: async (held) => {
      // An earlier attempt of this activity timed out: its lease is this attempt's.
      if (held.holder.startsWith(`${activity} attempt `))
        await deps.records.releaseLease(monthLeaseName(month), held.holder);
      else await waitForLease((h) => context.heartbeat({ waitingFor: h.holder }))(held);
    },
    progress: (now) => {
      stage = now;
      context.heartbeat({ stage });
    },
    signal: context.cancellationSignal,
  };
  try {
    return await withBillingScratch((scratch) => work({ rates, scratch, biller }), {
      parentDir: deps.scratchDir,
      ...(deps.duckdbMemoryLimit === undefined ? {} : { memoryLimit: deps.duckdbMemoryLimit }),
    });
  } finally {
    clearInterval(beat);
  }
}

/**
 * The work folder of this activity's billing in shards: its workflow run and activity ID, the same
 * for each of its attempts (an attempt again writes the same keys).
 */
export function workFolder(): string {
  const { activityId, workflowExecution: run } = Context.current().info;
  return `${run?.runId ?? 'no-run'}-${activityId}`;
}

/** What the workflow is given of a billing: the month's figures, not its rows. */
export function billedMonth(billed: MonthBilled): BilledMonth {
  return {
    month: billed.month,
    contracts: billed.contracts,
    sha256: billed.sha256,
    changed: billed.changed,
    version: billed.version,
    lateDays: billed.lateDays,
  };
}
