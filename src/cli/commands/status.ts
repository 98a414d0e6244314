/**
 * `courant status --from D1 --to D2 [--datasets a,b] [--check]`: a dataset × day grid from the day
 * records, with late days (past their dataset's due time) and quality warnings; `--check` exits 1
 * when a due day is late or failed.
 */
import type { Command } from 'commander';
import { dailyDatasetNames, registeredCatalog } from '../../datasets/catalog.js';
import { DATASET_NAMES } from '../../datasets/registry.js';
import { datesInRange } from '../../shared/partition.js';
import { createStorage } from '../../storage/index.js';
import type { DayRun } from '../../storage/records.js';
import type { CommandContext } from '../context.js';
import { PipelineFailedError } from '../errors.js';
import { parseDatasetsOption } from '../options.js';
import { parseRangeOptions } from '../range-options.js';
import { statusGrid } from '../status-grid.js';

export function registerStatusCommand(program: Command, context: () => CommandContext): void {
  program
    .command('status')
    .description('per-day status of each dataset from the day records; every expected day is listed')
    .requiredOption('--from <YYYY-MM-DD>', 'first day')
    .requiredOption('--to <YYYY-MM-DD>', 'last day (inclusive)')
    .option(
      '--datasets <list>',
      `comma-separated datasets of ${DATASET_NAMES.join(', ')} (default: those that run daily, and any with a day in the range)`,
    )
    .option(
      '--check',
      'exit 1 when a day that is due is late (no record), or failed (a blocking quality check included)',
      false,
    )
    .action(async (options: Record<string, unknown>) => {
      const { from, to } = parseRangeOptions(options, new Date());
      const named = parseDatasetsOption(options.datasets, DATASET_NAMES);
      const ctx = context();
      const storage = await createStorage(ctx.config);
      let runs: DayRun[];
      try {
        runs = await storage.records.listDayRuns({ from, to, datasets: named ?? DATASET_NAMES });
      } finally {
        await storage.records.close();
      }
      // Days of datasets fed by files are expected only once a file brought one.
      const daily = dailyDatasetNames(registeredCatalog(ctx.config.datasets), from);

      const datasets = named ?? DATASET_NAMES.filter((d) => daily.includes(d) || runs.some((run) => run.dataset === d));
      const catalog = registeredCatalog(ctx.config.datasets);
      const grid = statusGrid(datesInRange(from, to), datasets, runs, {
        colour: process.stdout.isTTY === true,
        dueHours: (name) => {
          const { module, config } = catalog.get(name);
          return module.dueHours?.(config) ?? null;
        },
        now: new Date(),
      });
      ctx.out.write(grid.text);
      const problems = grid.counts.failed + grid.counts.late;
      if (options.check === true && problems > 0) {
        throw new PipelineFailedError(
          `${problems} of ${grid.counts.expected} dataset-days are due and not there: ${grid.counts.failed} failed (quality blocks included), ${grid.counts.late} late`,
        );
      }
    });
}
