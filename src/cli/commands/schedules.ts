/** `courant schedules apply|describe|pause|unpause|trigger|backfill`: the daily schedule, operated as code. */
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Command } from 'commander';
import { applySchedule, backfillSchedule, describeSchedule } from '../../schedules/operations.js';
import { loadScheduleSettings, type DailyScheduleSettings } from '../../schedules/settings.js';
import { connectClient } from '../../workers/temporal-connection.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { parseRangeOptions } from '../range-options.js';

type Operation = (client: Client, settings: DailyScheduleSettings, ctx: CommandContext) => Promise<void>;

function withSchedule(context: () => CommandContext, operation: Operation) {
  return async () => {
    const ctx = context();
    const loaded = loadScheduleSettings(ctx.env, ctx.config.temporal.taskQueue);
    if (!loaded.ok) throw new UsageError(`invalid schedule settings:\n  - ${loaded.problems.join('\n  - ')}`);
    const { client, close } = await connectClient(ctx.config);
    try {
      await operation(client, loaded.settings, ctx);
    } finally {
      await close();
    }
  };
}

const OVERLAPS = Object.values(ScheduleOverlapPolicy).filter(
  (v): v is Exclude<ScheduleOverlapPolicy, undefined> => v !== undefined,
);

export function registerSchedulesCommand(program: Command, context: () => CommandContext): void {
  const schedules = program
    .command('schedules')
    .description('the daily schedule (SCHEDULE_* variables override the defaults)');

  schedules
    .command('apply')
    .description('create the schedule or update it to match the code; prints what changed')
    .action(
      withSchedule(context, async (client, settings, ctx) => {
        const result = await applySchedule(client, settings);
        if (result.action === 'created') ctx.out.write(`schedule ${settings.scheduleId} created\n`);
        else if (result.action === 'unchanged') ctx.out.write(`schedule ${settings.scheduleId}: nothing changed\n`);
        else
          ctx.out.write(
            `schedule ${settings.scheduleId} updated:\n${result.changes.map((c) => `  ${c}`).join('\n')}\n`,
          );
      }),
    );

  schedules
    .command('describe')
    .description('the schedule as the server has it: spec, policies, state, next and recent runs')
    .action(
      withSchedule(context, async (client, settings, ctx) => {
        const d = await describeSchedule(client, settings.scheduleId);
        const lines = [
          `schedule ${settings.scheduleId}${d.paused ? ` (PAUSED${d.note ? `: ${d.note}` : ''})` : ''}`,
          ...Object.entries(d.shape).map(([k, v]) => `  ${k.padEnd(15)} ${v}`),
          `  next runs       ${d.nextActionTimes.map((t) => t.toISOString()).join(', ') || '-'}`,
          ...d.recentActions.map((a) => `  recent          ${a.scheduledAt.toISOString()} ${a.workflowId}`),
        ];
        ctx.out.write(`${lines.join('\n')}\n`);
      }),
    );

  schedules
    .command('pause')
    .description('pause the schedule, with a note saying why')
    .requiredOption('--note <text>', 'why it is paused (shown in the Web UI)')
    .action(async (options: { note: string }) =>
      withSchedule(context, async (client, settings, ctx) => {
        await client.schedule.getHandle(settings.scheduleId).pause(options.note);
        ctx.out.write(`schedule ${settings.scheduleId} paused: ${options.note}\n`);
      })(),
    );

  schedules
    .command('unpause')
    .description('resume the schedule')
    .action(
      withSchedule(context, async (client, settings, ctx) => {
        await client.schedule.getHandle(settings.scheduleId).unpause('unpaused with courant');
        ctx.out.write(`schedule ${settings.scheduleId} unpaused\n`);
      }),
    );

  schedules
    .command('trigger')
    .description("run the schedule's action now (for the day before today, in the schedule's time zone)")
    .action(
      withSchedule(context, async (client, settings, ctx) => {
        await client.schedule.getHandle(settings.scheduleId).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
        ctx.out.write(`schedule ${settings.scheduleId} triggered\n`);
      }),
    );

  schedules
    .command('backfill')
    .description("the schedule's own backfill: one scheduled run per day from..to")
    .requiredOption('--from <YYYY-MM-DD>', 'first day')
    .requiredOption('--to <YYYY-MM-DD>', 'last day (inclusive)')
    .option('--overlap <policy>', `overlap policy for the backfilled runs: ${OVERLAPS.join(', ')}`, 'ALLOW_ALL')
    .action(async (options: Record<string, unknown>) => {
      const days = parseRangeOptions(options, new Date());
      const overlap = OVERLAPS.find((o) => o === options.overlap);
      if (!overlap) throw new UsageError(`--overlap: expected one of ${OVERLAPS.join(', ')}`);
      await withSchedule(context, async (client, settings, ctx) => {
        await backfillSchedule(client, settings.scheduleId, days, overlap);
        ctx.out.write(`schedule ${settings.scheduleId}: backfill of ${days.from}..${days.to} requested (${overlap})\n`);
      })();
    });
}
