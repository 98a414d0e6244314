/**
 * `courant status --from D1 --to D2 | --date D [--datasets a,b] [--check] [--format table|json]`: a dataset × day grid
 * from the day records, with late days (past their dataset's due time), quality warnings and the
 * notes modules add from the days' metrics documents (`statusNotes`: Enedis missed deliveries);
 * over a range a note past 120 characters is cut at a word, for one `--date` every note is whole.
 * Then the files refused from an inbox with their reasons, and those left there for their name (a
 * leading dot); the entries an SFTP server lists but could not serve, with the server's answer; then the workflows whose task keeps failing, from the Temporal server; then the months of the range whose billing fails. `--check`
 * exits 1 when a due day is late or failed, or a workflow's task keeps failing. `--format json`
 * gives the days in the shape of `GET /api/v1/days` (`{from, to, datasets, items}`, one cell per
 * dataset and day) and the workflows whose task keeps failing, for scripts.
 */
import type { Command } from 'commander';
import { DATASET_NAMES } from '../../datasets/registry.js';
import { datesInRange } from '../../workflow-safe/partition.js';
import { createStorage } from '../../storage/index.js';
import type { DatasetCatalog } from '../../datasets/modules.js';
import type { DayRun, RecordStore } from '../../storage/records.js';
import type { CommandContext } from '../context.js';
import { PipelineFailedError, UsageError } from '../errors.js';
import {
  quarantinedDrops,
  quarantinedDropsText,
  skippedDrops,
  skippedDropsText,
  type QuarantinedDrop,
} from '../quarantined-drops.js';
import {
  waitingDrops,
  waitingDropsText,
  waitingIngestions,
  type WaitingDrop,
  type WaitingIngestions,
} from '../waiting-drops.js';
import { unservedDeliveries, unservedDeliveriesText } from '../unserved-deliveries.js';
import type { SftpFaultRecord } from '../../storage/records.js';
import { failingWorkflowsSeen, failingWorkflowsText } from '../failing-workflows.js';
import type { BillingPending } from '../../billing/month-pending.js';
import { failingBillings, failingBillingsText } from '../failing-billings.js';
import { parseDatasetsOption, parseDayOption } from '../options.js';
import { parseRangeOptions } from '../range-options.js';
import { statusGrid } from '../status-grid.js';
import { dayGrid, type DayGrid } from '../../day-status/grid.js';

/** The notes of datasets with the `status-notes` capability, from the metrics documents of their days shown, by `{dataset}/{date}`. */
async function moduleNotes(
  records: RecordStore,
  catalog: DatasetCatalog,
  runs: readonly DayRun[],
): Promise<Map<string, string[]>> {
  const notes = new Map<string, string[]>();
  for (const { module, capability } of catalog.withCapability('status-notes')) {
    const dates = runs.filter((run) => run.dataset === module.name).map((run) => run.date);
    const documents = await Promise.all(dates.map((date) => records.getMetrics(module.name, date)));
    const days = documents.flatMap((d) => (d ? [{ date: d.date, metrics: d.metrics }] : []));
    for (const { date, note } of capability.notes(days)) {
      const key = `${module.name}/${date}`;
      notes.set(key, [...(notes.get(key) ?? []), note]);
    }
  }
  return notes;
}

/** `--date D`, or `--from` and `--to`: one of the two. */
function statusRange(options: Record<string, unknown>): { from: string; to: string } {
  if (options.date === undefined) return parseRangeOptions(options, new Date());
  if (options.from !== undefined || options.to !== undefined)
    throw new UsageError('give --date D, or --from D1 --to D2, not both');
  const date = parseDayOption('--date', options.date, new Date());
  return { from: date, to: date };
}

export function defineStatusCommand(command: Command, context: () => CommandContext): void {
  command
    .option('--from <YYYY-MM-DD>', 'first day')
    .option('--to <YYYY-MM-DD>', 'last day (inclusive)')
    .option('--date <YYYY-MM-DD>', 'one day, every note whole (instead of --from and --to)')
    .option(
      '--datasets <list>',
      `comma-separated datasets of ${DATASET_NAMES.join(', ')} (default: those that run daily, and any with a day in the range)`,
    )
    .option(
      '--check',
      'exit 1 when a day that is due is late (no record), failed (a blocking quality check included) or has outputs missing, or a workflow task keeps failing',
      false,
    )
    .option('--format <format>', 'table, or json: the days as GET /api/v1/days gives them (default table)')
    .action(async (options: Record<string, unknown>) => {
      const { from, to } = statusRange(options);
      const format = options.format ?? 'table';
      if (format !== 'table' && format !== 'json')
        throw new UsageError(`--format: expected one of table, json, got ${JSON.stringify(format)}`);
      const named = parseDatasetsOption(options.datasets, DATASET_NAMES);
      const ctx = context();
      const storage = await createStorage(ctx.config);
      // Asked of the Temporal server while the records are read; awaited (and any failure raised) below.
      const workflows = failingWorkflowsSeen(ctx);
      workflows.catch(() => undefined);
      let runs: DayRun[];
      let notes: Map<string, string[]>;
      let refused: QuarantinedDrop[];
      let waiting: WaitingDrop[];
      let ingestions: WaitingIngestions;
      let skipped: QuarantinedDrop[];
      let unserved: SftpFaultRecord[];
      let billings: BillingPending[];
      let cells: DayGrid | null = null;
      const sftpDatasets = ctx.catalog
        .withCapability('sftp-pickup')
        .filter(({ module }) => (named ?? ctx.catalog.names).includes(module.name))
        .map(({ module }) => module.name);
      try {
        if (format === 'json')
          cells = await dayGrid(
            storage.records,
            ctx.catalog,
            { from, to, ...(named ? { datasets: named } : {}) },
            new Date(),
          );
        runs = await storage.records.listDayRuns({ from, to, datasets: named ?? ctx.catalog.names });
        notes = await moduleNotes(storage.records, ctx.catalog, runs);
        const dropDatasets = ctx.catalog
          .withCapability('drop')
          .filter(({ module }) => (named ?? ctx.catalog.names).includes(module.name))
          .map(({ module }) => module.name);
        refused = await quarantinedDrops(storage.objects, dropDatasets);
        waiting = await waitingDrops(storage.objects, dropDatasets);
        skipped = await skippedDrops(storage.objects, dropDatasets);
        unserved = await unservedDeliveries(storage.records, sftpDatasets);
        billings = await failingBillings(storage.records, from, to);
        ingestions =
          format === 'json'
            ? { found: new Map() }
            : await waitingIngestions(ctx, storage.records, waiting, new Set(sftpDatasets));
      } finally {
        await storage.close();
      }
      // Days of datasets fed by files are expected only once a file brought one.
      const datasets =
        named ??
        ctx.catalog.shown(
          from,
          runs.map((run) => run.dataset),
        );
      const grid = statusGrid(datesInRange(from, to), datasets, runs, {
        colour: ctx.out.isTTY === true,
        dueHours: (name) => ctx.catalog.dueHours(name),
        now: new Date(),
        notes,
        wholeNotes: options.date !== undefined,
      });
      const seen = await workflows;
      if (cells !== null) {
        const items = cells.dates.flatMap((date) =>
          cells.datasets.flatMap((dataset) => cells.cells.get(`${dataset}/${date}`) ?? []),
        );
        const failing = 'found' in seen ? { failingWorkflows: seen.found.failing } : { temporal: seen.unreachable };
        ctx.out.write(
          `${JSON.stringify({ from, to, datasets: cells.datasets, items, ...failing, failingBillings: billings }, null, 2)}\n`,
        );
      } else {
        ctx.out.write(grid.text);
        ctx.out.write(quarantinedDropsText(refused));
        ctx.out.write(waitingDropsText(waiting, ingestions, new Set(sftpDatasets)));
        ctx.out.write(skippedDropsText(skipped));
        ctx.out.write(unservedDeliveriesText(unserved));
        ctx.out.write(failingWorkflowsText(seen));
        ctx.out.write(failingBillingsText(billings));
      }
      const failed = grid.counts.failed + grid.counts.blocked;
      const problems = failed + grid.counts.late + grid.counts.outputsMissing + grid.counts.cancelled;
      const stuck = 'found' in seen ? seen.found.failing.length : 0;
      if (options.check === true && (problems > 0 || stuck > 0)) {
        throw new PipelineFailedError(
          [
            ...(problems > 0
              ? [
                  `${problems} of ${grid.counts.expected} dataset-days are due and not there: ${failed} failed (quality blocks included), ${grid.counts.late} late, ${grid.counts.outputsMissing} with outputs missing, ${grid.counts.cancelled} cancelled`,
                ]
              : []),
            ...(stuck > 0 ? [`${stuck} workflow(s) whose task keeps failing`] : []),
          ].join('; '),
        );
      }
    });
}
