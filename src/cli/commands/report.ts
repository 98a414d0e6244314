/**
 * `courant report --date D | --month YYYY-MM | --year YYYY`: (re)builds a report through its
 * `report/{period}` workflow (so that it never overlaps another build of it), waits for it and
 * prints where the files are. The enclosing month, year and index are rebuilt after it.
 */
import type { Command } from 'commander';
import { rebuildPeriodReport } from '../../client/period-report.js';
import { MIN_PARTITION_DATE, parisDateOf } from '../../workflow-safe/partition.js';
import { isMonth, isYear, type ReportPeriod } from '../../workflow-safe/periods.js';
import { connectCommandClient } from '../command-client.js';
import type { CommandContext } from '../context.js';
import { PipelineFailedError, UsageError } from '../errors.js';
import { objectLocation } from '../object-location.js';
import { parseDayOption } from '../options.js';

function parsePeriodOptions(options: Record<string, unknown>, now: Date): ReportPeriod {
  const given = (['date', 'month', 'year'] as const).filter((name) => options[name] !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one of --date D, --month YYYY-MM, --year YYYY');
  const today = parisDateOf(now);
  if (options.date !== undefined) return { kind: 'day', name: parseDayOption('--date', options.date, now) };
  if (options.month !== undefined) {
    const month = typeof options.month === 'string' ? options.month : '';
    if (!isMonth(month)) throw new UsageError(`--month: "${month}" is not a month written YYYY-MM`);
    if (month < MIN_PARTITION_DATE.slice(0, 7) || month > today.slice(0, 7)) {
      throw new UsageError(`--month: ${month} is outside ${MIN_PARTITION_DATE.slice(0, 7)}..${today.slice(0, 7)}`);
    }
    return { kind: 'month', name: month };
  }
  const year = typeof options.year === 'string' ? options.year : '';
  if (!isYear(year)) throw new UsageError(`--year: "${year}" is not a year written YYYY`);
  if (year < MIN_PARTITION_DATE.slice(0, 4) || year > today.slice(0, 4)) {
    throw new UsageError(`--year: ${year} is outside ${MIN_PARTITION_DATE.slice(0, 4)}..${today.slice(0, 4)}`);
  }
  return { kind: 'year', name: year };
}

export function defineReportCommand(command: Command, context: () => CommandContext): void {
  command
    .option('--date <YYYY-MM-DD>', 'a Paris day: its daily report, from the day records')
    .option('--month <YYYY-MM>', 'a month: its monthly report, from its days’ Parquet partitions')
    .option('--year <YYYY>', 'a year: its annual report, from its days’ Parquet partitions')
    .action(async (options: Record<string, unknown>) => {
      const period = parsePeriodOptions(options, new Date());
      const ctx = context();
      const { client, close } = await connectCommandClient(ctx);
      try {
        const state = await rebuildPeriodReport(client, period, ctx.config.temporal.taskQueue);
        if (state.lastError)
          throw new PipelineFailedError(`the ${period.kind} report of ${period.name} failed: ${state.lastError}`);
        ctx.out.write(`${period.kind} report of ${period.name} built:\n`);
        for (const key of state.keys) ctx.out.write(`  ${objectLocation(ctx.config, key)}\n`);
      } finally {
        await close();
      }
    });
}
