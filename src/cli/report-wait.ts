/** Waiting for the monthly, annual and index reports of some days, then printing where they are. */
import type { Client } from '@temporalio/client';
import { waitForPeriodReport } from '../client/period-report.js';
import { monthOf, yearOf, type ReportPeriod } from '../workflow-safe/periods.js';
import type { CommandContext } from './context.js';
import { objectLocation } from './object-location.js';

/** Months first, then years (months ask them), then the index (years ask it). Returns the periods whose build failed. */
export async function waitForReports(client: Client, ctx: CommandContext, days: readonly string[]): Promise<string[]> {
  const failed: string[] = [];
  const months = [...new Set(days.map(monthOf))];
  const years = [...new Set(months.map(yearOf))];
  const periods: ReportPeriod[][] = [
    months.map((name) => ({ kind: 'month', name })),
    years.map((name) => ({ kind: 'year', name })),
    [{ kind: 'index', name: 'index' }],
  ];
  ctx.out.write('waiting for the reports…\n');
  for (const level of periods) {
    for (const period of level) {
      const state = await waitForPeriodReport(client, period, ctx.config.temporal.taskQueue);
      if (state?.lastError) {
        ctx.out.write(`  ${period.name}: the report failed: ${state.lastError}\n`);
        failed.push(period.name);
      }
      const html = state?.keys.find((k) => k.endsWith('.html'));
      if (html)
        ctx.out.write(`  ${period.kind === 'index' ? 'index' : period.name}: ${objectLocation(ctx.config, html)}\n`);
    }
  }
  return failed;
}
