/**
 * `courant schedules apply|describe|pause|unpause|trigger|backfill`: the daily schedule, the inbox
 * scan, the revised-days check, the snapshot collector, the SFTP pickup and the monthly billing,
 * operated as code (`--inbox-scan`, `--revised-days`, `--snapshots`, `--sftp-pickup` or `--billing`
 * picks one where one is meant).
 */
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Command } from 'commander';
import { applySchedule, backfillSchedule, describeSchedule } from '../../schedules/operations.js';
import { billingSchedule } from '../../schedules/billing-schedule.js';
import { BILLING_DATASET } from '../../workflow-safe/billing.js';
import { dailySchedule } from '../../schedules/daily-schedule.js';
import { inboxScanSchedule } from '../../schedules/inbox-scan-schedule.js';
import { revisedDaysSchedule } from '../../schedules/revised-days-schedule.js';
import { scheduleSettings } from '../../schedules/settings.js';
import { sftpPickupSchedule } from '../../schedules/sftp-pickup-schedule.js';
import { snapshotSchedule } from '../../schedules/snapshot-schedule.js';
import { verifyOutputsSchedule } from '../../schedules/verify-outputs-schedule.js';
import type { ScheduleDefinition } from '../../schedules/shape.js';
import { connectCommandClient } from '../command-client.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { parseNoteOption } from '../options.js';
import { parseRangeOptions } from '../range-options.js';

type Operation = (client: Client, schedules: readonly ScheduleDefinition[], ctx: CommandContext) => Promise<void>;

/**
 * The schedules of this deployment: the daily one, the inbox scan when a dataset takes dropped
 * files, the revised-days check when a dataset's days may be revised, the snapshot collector when
 * a dataset is collected during the day under this configuration, the verification of outputs when
 * VERIFY_SCHEDULE_ENABLED is set, the SFTP pickup when a dataset's SFTP server is configured, the
 * monthly billing when the enedis dataset is registered.
 */
function definitions(ctx: CommandContext): ScheduleDefinition[] {
  const settings = scheduleSettings(ctx.config);
  const takesDrops = ctx.catalog.withCapability('drop').length > 0;
  const revises = ctx.catalog.withCapability('revisions').length > 0;
  const collects = ctx.catalog
    .withCapability('snapshots')
    .some(({ config, capability }) => capability.collects(config));
  return [
    dailySchedule(settings.daily),
    ...(takesDrops ? [inboxScanSchedule(settings.inboxScan)] : []),
    ...(revises ? [revisedDaysSchedule(settings.revisedDays)] : []),
    ...(collects ? [snapshotSchedule(settings.snapshots)] : []),
    ...(settings.verify.enabled ? [verifyOutputsSchedule(settings.verify)] : []),
    ...(Object.keys(ctx.config.sftp).length > 0 ? [sftpPickupSchedule(settings.sftpPickup)] : []),
    ...(ctx.catalog.names.includes(BILLING_DATASET) ? [billingSchedule(settings.billing)] : []),
  ];
}

interface PickOptions {
  /** Every schedule of the deployment (`pause`, `unpause`). */
  readonly all?: boolean;
  readonly inboxScan?: boolean;
  readonly revisedDays?: boolean;
  readonly snapshots?: boolean;
  readonly verifyOutputs?: boolean;
  readonly sftpPickup?: boolean;
  readonly billing?: boolean;
}

/** The workflow of the schedule an option picks, and what to say when the deployment has none. */
const PICKS = [
  {
    option: 'inboxScan',
    workflow: 'inboxScan',
    none: '--inbox-scan: no dataset takes dropped files, so there is no inbox schedule',
  },
  {
    option: 'revisedDays',
    workflow: 'revisedDays',
    none: '--revised-days: no dataset has revised days, so there is no revised-days schedule',
  },
  {
    option: 'snapshots',
    workflow: 'collectSnapshots',
    none: '--snapshots: no dataset is collected during the day under this configuration (e.g. CITYFLOW_VELIB_COLLECT=true), so there is no snapshot schedule',
  },
  {
    option: 'verifyOutputs',
    workflow: 'verifyOutputsScheduled',
    none: '--verify-outputs: the verification of outputs is off (set VERIFY_SCHEDULE_ENABLED=true to schedule it)',
  },
  {
    option: 'sftpPickup',
    workflow: 'sftpPickup',
    none: '--sftp-pickup: no SFTP server is configured (e.g. ENEDIS_SFTP_HOST), so there is no SFTP pickup schedule',
  },
  {
    option: 'billing',
    workflow: 'scheduledBilling',
    none: '--billing: the enedis dataset is not registered, so there is no billing schedule',
  },
] as const;

/** Runs `operation` on every schedule (`all`), or on the one the options pick (the daily one by default). */
function withSchedules(context: () => CommandContext, operation: Operation, all = false) {
  return async (options: PickOptions = {}) => {
    const ctx = context();
    const every = definitions(ctx);
    const pick = PICKS.find((p) => options[p.option] === true);
    if (options.all === true && pick)
      throw new UsageError(`--all takes every schedule: give it without --${kebab(pick.option)}`);
    const wanted = pick?.workflow ?? 'scheduledDaily';
    const picked = all || options.all === true ? every : every.filter((d) => d.options.action.workflowType === wanted);
    if (picked.length === 0) throw new UsageError(pick?.none ?? 'there is no daily schedule');
    const { client, close } = await connectCommandClient(ctx);
    try {
      await operation(client, picked, ctx);
    } catch (error) {
      if (scheduleMissing(error)) {
        throw new UsageError(
          `schedule ${picked.map((d) => d.scheduleId).join(', ')} does not exist on the Temporal server yet: ` +
            'create the schedules with `courant schedules apply`, then run this again',
        );
      }
      throw error;
    } finally {
      await close();
    }
  };
}

/**
 * Whether the server has no such schedule: the client's own error, or the NOT_FOUND a trigger,
 * pause or unpause gets for the schedule's internal workflow (`temporal-sys-scheduler:{id}`).
 */
function scheduleMissing(error: unknown): boolean {
  if (error instanceof ScheduleNotFoundError) return true;
  const chain = [error, error instanceof Error ? error.cause : undefined];
  return chain.some(
    (e) =>
      e instanceof Error &&
      (('code' in e && e.code === GRPC_NOT_FOUND) || e.message.includes('workflow not found')) &&
      e.message.includes('temporal-sys-scheduler'),
  );
}

/** An option's name as typed (`inboxScan` → `inbox-scan`). */
const kebab = (option: string) => option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** gRPC status NOT_FOUND. */
const GRPC_NOT_FOUND = 5;

/**
 * How a triggered run meets one in progress: as the schedule's own runs do, except that a schedule
 * whose runs never overlap (SKIP) keeps the triggered one for when the current run ends, rather than
 * dropping what was asked for. (Two SFTP pickups side by side could fetch the same file twice.)
 */
function triggeredOverlap(policy: ScheduleOverlapPolicy): ScheduleOverlapPolicy {
  return policy === ScheduleOverlapPolicy.SKIP ? ScheduleOverlapPolicy.BUFFER_ONE : policy;
}

const OVERLAPS = Object.values(ScheduleOverlapPolicy).filter(
  (v): v is Exclude<ScheduleOverlapPolicy, undefined> => v !== undefined,
);

export function defineSchedulesCommand(schedules: Command, context: () => CommandContext): void {
  schedules
    .command('apply')
    .description('create the schedules or update them to match the code; prints what changed')
    .action(
      withSchedules(
        context,
        async (client, picked, ctx) => {
          for (const definition of picked) {
            const id = definition.scheduleId;
            const result = await applySchedule(client, definition);
            if (result.action === 'created') ctx.out.write(`schedule ${id} created\n`);
            else if (result.action === 'unchanged') ctx.out.write(`schedule ${id}: nothing changed\n`);
            else ctx.out.write(`schedule ${id} updated:\n${result.changes.map((c) => `  ${c}`).join('\n')}\n`);
          }
        },
        true,
      ),
    );

  schedules
    .command('describe')
    .description('the schedules as the server has them: spec, policies, state, next and recent runs')
    .action(
      withSchedules(
        context,
        async (client, picked, ctx) => {
          for (const { scheduleId } of picked) {
            const d = await describeSchedule(client, scheduleId);
            const lines = [
              `schedule ${scheduleId}${d.paused ? ` (PAUSED${d.note ? `: ${d.note}` : ''})` : ''}`,
              ...Object.entries(d.shape).map(([k, v]) => `  ${k.padEnd(15)} ${v}`),
              `  next runs       ${d.nextActionTimes.map((t) => t.toISOString()).join(', ') || '-'}`,
              ...d.recentActions.map((a) => `  recent          ${a.scheduledAt.toISOString()} ${a.workflowId}`),
            ];
            ctx.out.write(`${lines.join('\n')}\n`);
          }
        },
        true,
      ),
    );

  schedules
    .command('pause')
    .description('pause the daily schedule (another with its option, or every one with --all), with a note saying why')
    .requiredOption('--note <text>', 'why it is paused (shown in the Web UI)')
    .option('--all', 'every schedule of the deployment, as `courant schedules describe` lists them', false)
    .option('--inbox-scan', 'the inbox schedule instead of the daily one', false)
    .option('--revised-days', 'the revised-days schedule instead of the daily one', false)
    .option('--snapshots', 'the snapshot collector instead of the daily one', false)
    .option('--verify-outputs', 'the verification of outputs instead of the daily one', false)
    .option('--sftp-pickup', 'the SFTP pickup instead of the daily one', false)
    .option('--billing', 'the monthly billing instead of the daily one', false)
    .action(async (options: { note: unknown } & PickOptions) => {
      const note = parseNoteOption('--note', options.note);
      await withSchedules(context, async (client, picked, ctx) => {
        for (const { scheduleId } of picked) {
          await client.schedule.getHandle(scheduleId).pause(note);
          ctx.out.write(`schedule ${scheduleId} paused: ${note}\n`);
        }
      })(options);
    });

  schedules
    .command('unpause')
    .description('resume the daily schedule (another with its option, or every one with --all)')
    .option('--all', 'every schedule of the deployment, as `courant schedules describe` lists them', false)
    .option('--inbox-scan', 'the inbox schedule instead of the daily one', false)
    .option('--revised-days', 'the revised-days schedule instead of the daily one', false)
    .option('--snapshots', 'the snapshot collector instead of the daily one', false)
    .option('--verify-outputs', 'the verification of outputs instead of the daily one', false)
    .option('--sftp-pickup', 'the SFTP pickup instead of the daily one', false)
    .option('--billing', 'the monthly billing instead of the daily one', false)
    .action(
      withSchedules(context, async (client, picked, ctx) => {
        for (const { scheduleId } of picked) {
          await client.schedule.getHandle(scheduleId).unpause('unpaused with courant');
          ctx.out.write(`schedule ${scheduleId} unpaused\n`);
        }
      }),
    );

  schedules
    .command('trigger')
    .description(
      "run the daily schedule's action now (for the day before today), or scan the inbox or pick up from SFTP now",
    )
    .option('--inbox-scan', 'the inbox schedule instead of the daily one', false)
    .option('--revised-days', 'the revised-days schedule instead of the daily one', false)
    .option('--snapshots', 'the snapshot collector instead of the daily one', false)
    .option('--verify-outputs', 'the verification of outputs instead of the daily one', false)
    .option('--sftp-pickup', 'the SFTP pickup instead of the daily one', false)
    .option('--billing', 'the monthly billing instead of the daily one', false)
    .action(
      withSchedules(context, async (client, picked, ctx) => {
        for (const { scheduleId } of picked) {
          const handle = client.schedule.getHandle(scheduleId);
          const described = await handle.describe();
          const overlap = triggeredOverlap(described.policies.overlap);
          await handle.trigger(overlap);
          const running = described.info.runningActions[0]?.workflow.workflowId;
          ctx.out.write(
            running !== undefined && overlap === ScheduleOverlapPolicy.BUFFER_ONE
              ? `schedule ${scheduleId}: ${running} is still running; this run starts when it ends\n`
              : `schedule ${scheduleId} triggered\n`,
          );
        }
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
      await withSchedules(context, async (client, picked, ctx) => {
        for (const { scheduleId } of picked) {
          await backfillSchedule(client, scheduleId, days, overlap);
          ctx.out.write(`schedule ${scheduleId}: backfill of ${days.from}..${days.to} requested (${overlap})\n`);
        }
      })();
    });
}
