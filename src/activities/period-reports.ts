/** Period report activities: asking for a (re)build, and building a day, month, year or the index. */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import pLimit from 'p-limit';
import { BadDataError, ErrorType } from '../workflow-safe/errors.js';
import { badDataFailure } from './failures.js';
import { rebuildDailyReport, ReportUnavailableError } from '../reports/daily-rebuild.js';
import { writeReportIndex } from '../reports/index-build.js';
import { writePeriodReport } from '../reports/period-build.js';
import { requestPeriodReport } from '../client/period-report.js';
import { parsePeriod, type ReportPeriod } from '../workflow-safe/periods.js';
import type { ActivityDeps } from './deps.js';

export interface ReportPeriodInput {
  /** `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or `index`. */
  readonly period: string;
}

function checkedPeriod(name: string): ReportPeriod {
  const period = parsePeriod(name);
  if (!period)
    throw ApplicationFailure.nonRetryable(`not a report period: ${JSON.stringify(name)}`, ErrorType.InvalidInput);
  return period;
}

/**
 * Month builds a worker runs at once. A backfill that ends asks for all its months at once (ten
 * years: 120), and side by side their memory adds up in the worker; two at a time keep it within
 * the worker's memory goal and both cores busy (bench/RESULTS.md). Years and the index, a dozen at
 * most, wait for none: a build's duration sets how long its next one waits (periodReport's
 * cooldown), so a year held behind a queue of months would hold its own rebuild back as long.
 */
const MONTH_BUILDS_AT_ONCE = 2;

export function createPeriodReportActivities(deps: ActivityDeps, temporal: Client) {
  const monthBuilds = pLimit(MONTH_BUILDS_AT_ONCE);

  /** Asks `report/{period}` for a rebuild, starting it if needed, on this activity's task queue. Idempotent enough: a second request costs one more build at most. */
  async function requestReport(input: ReportPeriodInput): Promise<void> {
    await requestPeriodReport(temporal, checkedPeriod(input.period), Context.current().info.taskQueue);
  }

  /**
   * Builds the report of a period from what is stored: a day from its records (ReportUnavailable
   * when nothing ran or a dataset still runs), a month or year from its days' Parquet partitions,
   * the index from every record. Overwrites; returns the keys written. A month waits its turn
   * behind the months the worker is building (MONTH_BUILDS_AT_ONCE).
   */
  async function buildReport(input: ReportPeriodInput): Promise<string[]> {
    const period = checkedPeriod(input.period);
    try {
      switch (period.kind) {
        case 'day':
          return await rebuildDailyReport(deps, period.name);
        case 'month':
          return (await monthBuilds(() => writePeriodReport(deps, 'month', period.name))).keys;
        case 'year':
          return (await writePeriodReport(deps, 'year', period.name)).keys;
        case 'index':
          return [await writeReportIndex(deps)];
      }
    } catch (error) {
      if (error instanceof BadDataError) throw badDataFailure(error);
      if (error instanceof ReportUnavailableError) {
        throw ApplicationFailure.create({
          type: ErrorType.ReportUnavailable,
          nonRetryable: true,
          message: error.message,
        });
      }
      throw error;
    }
  }

  /** Asks each of `periods` for a rebuild, as `requestReport` does: a backfill's months, once per batch. */
  async function requestReports(input: { readonly periods: readonly string[] }): Promise<void> {
    for (const period of input.periods) await requestReport({ period });
  }

  return { requestReport, requestReports, buildReport };
}
