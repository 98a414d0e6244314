/**
 * `courant import --dataset eco2mix --file PATH [--from D1] [--to D2] [--parallel N] [--id ID]
 * [--dry-run] [--wait]`:
 * stores an RTE eCO2mix file once (`imports/eco2mix/{sha256}/{name}`), then runs the days it covers
 * as a backfill whose download step takes each day's rows from the file instead of the API.
 */
import type { Command } from 'commander';
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { rteDaySources } from '../../datasets/eco2mix/rte-export.js';
import { coveredDays, parseRteFile, type RteFile } from '../../datasets/eco2mix/rte-file.js';
import { startBackfill } from '../../client/start-backfill.js';
import type { BackfillInput } from '../../shared/backfill.js';
import { BadDataError } from '../../shared/errors.js';
import type { ImportRef } from '../../shared/imports.js';
import { MAX_BACKFILL_PARALLEL } from '../../shared/inputs.js';
import { importKeys } from '../../shared/keys.js';
import { partitionDateProblem } from '../../shared/partition.js';
import { createStorage } from '../../storage/index.js';
import { connectClient } from '../../workers/temporal-connection.js';
import { dayRanges } from '../backfill-progress.js';
import { followBackfill } from '../backfill-wait.js';
import type { CommandContext } from '../context.js';
import { PipelineFailedError, UsageError } from '../errors.js';
import { parseDayOption } from '../options.js';
import { waitForReports } from '../report-wait.js';

function parseParallel(value: unknown): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BACKFILL_PARALLEL) {
    throw new UsageError(
      `--parallel: expected a whole number from 1 to ${MAX_BACKFILL_PARALLEL}, got ${String(value)}`,
    );
  }
  return n;
}

async function readImportFile(file: string): Promise<{ bytes: Uint8Array; parsed: RteFile; sha256: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new UsageError(`--file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const parsed = parseRteFile(bytes, path.basename(file));
    return { bytes, parsed, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (error) {
    if (error instanceof BadDataError) throw new UsageError(`--file: not an RTE eCO2mix file: ${error.message}`);
    throw error;
  }
}

/** What the file holds, for the terminal and the manifest stored beside it. */
function describeFile(parsed: RteFile, days: readonly string[], skipped: readonly string[]) {
  const sources = [...new Set(days.flatMap((d) => rteDaySources(parsed, d)))];
  return {
    file: parsed.name,
    entry: parsed.entry,
    encoding: parsed.encoding,
    columns: parsed.columns,
    ignoredColumns: parsed.ignoredColumns,
    rowsRead: parsed.rowsRead,
    rejected: parsed.rejects.length,
    rejects: parsed.rejects.slice(0, 100),
    sources,
    days,
    skipped,
  };
}

export function registerImportCommand(program: Command, context: () => CommandContext): void {
  program
    .command('import')
    .description('store an RTE eCO2mix file once and run the days it covers from it, as a backfill')
    .requiredOption(
      '--file <path>',
      'eCO2mix_RTE_En-cours-TR, _En-cours-Consolide or _Annuel-Definitif_YYYY (.zip or .xls)',
    )
    .option('--dataset <name>', 'the dataset the file holds (eco2mix)', 'eco2mix')
    .option('--from <YYYY-MM-DD>', 'first day to run (default: the first day the file covers)')
    .option('--to <YYYY-MM-DD>', 'last day to run (default: the last day the file covers)')
    .option('--parallel <N>', 'days in flight at most', '4')
    .option('--id <id>', 'backfill id (default: import, the file sha256 prefix and a random suffix)')
    .option('--dry-run', 'read the file and print the days it covers; store and start nothing', false)
    .option(
      '--wait',
      'show progress until the days end, wait for their monthly and annual reports, then summarise',
      false,
    )
    .action(async (options: Record<string, unknown>) => {
      if (options.dataset !== 'eco2mix') {
        throw new UsageError(`--dataset: only eco2mix files can be imported, got ${JSON.stringify(options.dataset)}`);
      }
      const parallel = parseParallel(options.parallel);
      const now = new Date();
      const first = options.from === undefined ? '0000-00-00' : parseDayOption('--from', options.from, now);
      const last = options.to === undefined ? '9999-99-99' : parseDayOption('--to', options.to, now);
      const started = Date.now();
      const { bytes, parsed, sha256 } = await readImportFile(String(options.file));
      const covered = coveredDays(parsed).filter((d) => d >= first && d <= last);
      const days = covered.filter((d) => partitionDateProblem(d, now) === null);
      const skipped = covered.filter((d) => partitionDateProblem(d, now) !== null);
      const ctx = context();
      const summary = describeFile(parsed, days, skipped);
      ctx.out.write(
        `${parsed.name}${parsed.entry ? ` (${parsed.entry})` : ''}: ${parsed.rowsRead} rows, ${parsed.rejects.length} rejected, ` +
          `${summary.sources.join(' + ') || 'no'} data; ${days.length} day(s) to run: ${dayRanges(days) || 'none'}\n`,
      );
      for (const reject of parsed.rejects.slice(0, 5))
        ctx.out.write(`  rejected line ${reject.line}: ${reject.reason}\n`);
      if (skipped.length > 0) ctx.out.write(`  skipped (not over yet or before 2012): ${dayRanges(skipped)}\n`);
      const [from, to] = [days[0], days[days.length - 1]];
      if (from === undefined || to === undefined) {
        throw new UsageError('--file: the file covers no day with a consumption value that can run (in --from..--to)');
      }
      if (options.dryRun === true) {
        ctx.out.write('dry run: nothing stored, nothing started\n');
        return;
      }

      const importRef: ImportRef = { dataset: 'eco2mix', key: importKeys.file('eco2mix', sha256, parsed.name), sha256 };
      const storage = await createStorage(ctx.config);
      try {
        if (!(await storage.objects.head(importRef.key))) {
          await storage.objects.put(importRef.key, bytes, { contentType: 'application/octet-stream' });
        }
        const manifest = importKeys.manifest('eco2mix', sha256);
        if (!(await storage.objects.head(manifest))) {
          await storage.objects.put(
            manifest,
            `${JSON.stringify({ ...summary, key: importRef.key, sha256 }, null, 2)}\n`,
            {
              contentType: 'application/json',
            },
          );
        }
      } finally {
        await storage.close();
      }
      ctx.out.write(`stored ${importRef.key}\n`);

      const id =
        typeof options.id === 'string' ? options.id : `import-${sha256.slice(0, 12)}-${randomUUID().slice(0, 8)}`;
      const input: BackfillInput = { from, to, mode: 'all', parallel, datasets: ['eco2mix'], importRef };
      const { client, close } = await connectClient(ctx.config);
      try {
        const handle = await startBackfill(client, input, id, ctx.config.temporal.taskQueue);
        ctx.out.write(`${handle.workflowId} started: ${days.length} day(s) of ${from}..${to}, ${parallel} at a time\n`);
        if (options.wait !== true) return;
        const result = await followBackfill(handle, id, ctx.out);
        const failedReports = await waitForReports(client, ctx, days);
        ctx.out.write(`imported in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        if (result.failed > 0) throw new PipelineFailedError(`${result.failed} of ${result.planned} days failed`);
        if (failedReports.length > 0) {
          throw new PipelineFailedError(`the reports of ${failedReports.join(', ')} failed (see above)`);
        }
      } finally {
        await close();
      }
    });
}
