/**
 * `courant backfill --from D1 --to D2 [--datasets a,b] [--mode missing|failed|all] [--parallel N]
 * [--days-per-run K] [--per-day] [--dry-run] [--wait]`: plans the days from the day records and runs
 * them as `backfill/{id}`, the days of a dataset that runs in ranges K at a time.
 */
import type { Command } from 'commander';
import { planBackfillDays } from '../../activities/backfill-plan.js';
import { newBackfillId, startBackfill } from '../../client/start-backfill.js';
import { BACKFILL_MODES, type BackfillMode } from '../../workflow-safe/backfill.js';
import { dailyDatasetNames } from '../../datasets/catalog.js';
import { DATASET_NAMES } from '../../datasets/registry.js';
import { createStorage } from '../../storage/index.js';
import { connectCommandClient } from '../command-client.js';
import { dayRanges } from '../backfill-progress.js';
import { followBackfill } from '../backfill-wait.js';
import { rowsText } from '../rows-summary.js';
import type { CommandContext } from '../context.js';
import { PipelineFailedError, UsageError } from '../errors.js';
import { parseBackfillIdOption, parseDatasetsOption, parseParallelOption } from '../options.js';
import { parseRangeOptions } from '../range-options.js';

/** `--days-per-run`: a whole number from 1 to 366, or absent. */
function parseDaysPerRunOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const days = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(days >= 1 && days <= 366))
    throw new UsageError(`--days-per-run: expected a whole number from 1 to 366, got ${JSON.stringify(value)}`);
  return days;
}

function parseMode(value: unknown): BackfillMode {
  if (typeof value === 'string' && (BACKFILL_MODES as readonly string[]).includes(value)) return value as BackfillMode;
  throw new UsageError(`--mode: expected one of ${BACKFILL_MODES.join(', ')}, got ${JSON.stringify(value)}`);
}

export function defineBackfillCommand(command: Command, context: () => CommandContext): void {
  command
    .requiredOption('--from <YYYY-MM-DD>', 'first day')
    .requiredOption('--to <YYYY-MM-DD>', 'last day (inclusive)')
    .option(
      '--datasets <list>',
      `comma-separated datasets of ${DATASET_NAMES.join(', ')} (default: those that run daily)`,
    )
    .option('--mode <mode>', 'missing: days without a record; failed: days whose last run failed; all', 'missing')
    .option('--parallel <N>', 'days in flight at most', '4')
    .option(
      '--days-per-run <K>',
      'consecutive days of a dataset that runs in ranges run together (default: 16 to 64, sized so the ranges fill --parallel in even waves)',
    )
    .option('--per-day', 'run every day through its own daily/{date}, never in ranges', false)
    .option('--id <id>', 'backfill id (default: range, mode and a random suffix)')
    .option('--dry-run', 'print the plan and start nothing', false)
    .option('--wait', 'show progress until the backfill ends, then a summary', false)
    .action(async (options: Record<string, unknown>) => {
      const { from, to } = parseRangeOptions(options, new Date());
      const named = parseDatasetsOption(options.datasets, DATASET_NAMES);
      const mode = parseMode(options.mode);
      const parallel = parseParallelOption(options.parallel);
      const givenId = parseBackfillIdOption(options.id);
      const ctx = context();
      const datasets = named ?? dailyDatasetNames(ctx.catalog, from);
      const rangeDays = parseDaysPerRunOption(options.daysPerRun);
      if (rangeDays !== undefined && options.perDay === true)
        throw new UsageError(
          '--per-day and --days-per-run contradict each other: --per-day runs no range, --days-per-run sizes the ranges',
        );
      const input = {
        from,
        to,
        mode,
        parallel,
        datasets,
        ...(rangeDays !== undefined ? { rangeDays } : {}),
        ...(options.perDay === true ? { perDay: true } : {}),
      };

      if (options.dryRun === true) {
        const storage = await createStorage(ctx.config);
        try {
          const days = await planBackfillDays(storage.records, input);
          ctx.out.write(
            `dry run: ${days.length} day(s) to run (${mode}, ${from}..${to}, ${parallel} at a time); nothing started\n`,
          );
          if (days.length > 0) ctx.out.write(`  ${dayRanges(days)}\n`);
        } finally {
          await storage.close();
        }
        return;
      }

      const id = givenId ?? newBackfillId(input);
      const { client, close } = await connectCommandClient(ctx);
      try {
        const handle = await startBackfill(client, input, id, ctx.config.temporal.taskQueue);
        ctx.out.write(`${handle.workflowId} started: ${mode} days of ${from}..${to}, ${parallel} at a time\n`);
        if (options.wait !== true) return;
        const summary = await followBackfill(handle, id, ctx.out);
        ctx.out.write(rowsText(summary.rows));
        if (summary.failed > 0) throw new PipelineFailedError(`${summary.failed} of ${summary.planned} days failed`);
      } finally {
        await close();
      }
    });
}
