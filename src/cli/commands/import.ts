/**
 * `courant import --file PATH [--dataset NAME] [--from D1] [--to D2] [--parallel N] [--dry-run]
 * [--wait] [--id ID]`: stores a whole file of a dataset's publisher once
 * (`imports/{dataset}/{sha256}/{name}`), then runs the days it covers as a backfill whose download
 * step takes each day's rows from the file.
 */
import type { Command } from 'commander';
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileImport, ImportedFile } from '../../datasets/capabilities/file-import.js';
import { modulesWith } from '../../datasets/modules.js';
import { DATASET_MODULES } from '../../datasets/registry.js';
import { startBackfill } from '../../client/start-backfill.js';
import type { BackfillInput } from '../../workflow-safe/backfill.js';
import { BadDataError } from '../../workflow-safe/errors.js';
import type { ImportRef } from '../../workflow-safe/imports.js';
import { importKeys } from '../../workflow-safe/keys.js';
import { partitionDateProblem } from '../../workflow-safe/partition.js';
import { createStorage } from '../../storage/index.js';
import { connectCommandClient } from '../command-client.js';
import { dayRanges } from '../backfill-progress.js';
import { followBackfill } from '../backfill-wait.js';
import { rowsText } from '../rows-summary.js';
import type { CommandContext } from '../context.js';
import { PipelineFailedError, UsageError } from '../errors.js';
import { parseBackfillIdOption, parseDayOption, parseParallelOption } from '../options.js';
import { waitForReports } from '../report-wait.js';

const IMPORTABLE = modulesWith(DATASET_MODULES, 'file-import');

/** The dataset named by `--dataset`, or the only one whose files can be imported. */
function importingModule(value: unknown): { readonly name: string; readonly fileImport: FileImport } {
  const names = IMPORTABLE.map((m) => m.dataset.name);
  const module =
    value === undefined && IMPORTABLE.length === 1 ? IMPORTABLE[0] : IMPORTABLE.find((m) => m.dataset.name === value);
  if (!module) {
    throw new UsageError(
      `--dataset: expected one of ${names.join(', ')} (datasets whose files can be imported), got ${JSON.stringify(value)}`,
    );
  }
  return { name: module.dataset.name, fileImport: module.capability };
}

async function readImportFile(
  file: string,
  fileImport: FileImport,
): Promise<{ bytes: Uint8Array; parsed: ImportedFile; sha256: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new UsageError(`--file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const parsed = await fileImport.open(bytes, path.basename(file));
    return { bytes, parsed, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (error) {
    if (error instanceof BadDataError) throw new UsageError(`--file: not ${fileImport.what}: ${error.message}`);
    throw error;
  }
}

export function defineImportCommand(command: Command, context: () => CommandContext): void {
  command
    .requiredOption('--file <path>', IMPORTABLE.map((m) => `${m.dataset.name}: ${m.capability.accepts}`).join('; '))
    .option('--dataset <name>', `the dataset the file holds (${IMPORTABLE.map((m) => m.dataset.name).join(', ')})`)
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
      const importing = importingModule(options.dataset);
      const parallel = parseParallelOption(options.parallel);
      const givenId = parseBackfillIdOption(options.id);
      const now = new Date();
      const first = options.from === undefined ? '0000-00-00' : parseDayOption('--from', options.from, now);
      const last = options.to === undefined ? '9999-99-99' : parseDayOption('--to', options.to, now);
      if (last < first) throw new UsageError(`--to (${last}) is before --from (${first})`);
      const started = Date.now();
      const { bytes, parsed, sha256 } = await readImportFile(String(options.file), importing.fileImport);
      const covered = parsed.days.filter((d) => d >= first && d <= last);
      const days = covered.filter((d) => partitionDateProblem(d, now) === null);
      const skipped = covered.filter((d) => partitionDateProblem(d, now) !== null);
      const ctx = context();
      const summary = parsed.manifest(days, skipped);
      ctx.out.write(`${parsed.headline(days)}; ${days.length} day(s) to run: ${dayRanges(days) || 'none'}\n`);
      for (const reject of parsed.rejects.slice(0, 5))
        ctx.out.write(`  rejected line ${reject.line}: ${reject.reason}\n`);
      if (skipped.length > 0) ctx.out.write(`  skipped (not over yet or out of range): ${dayRanges(skipped)}\n`);
      const [from, to] = [days[0], days[days.length - 1]];
      if (from === undefined || to === undefined) {
        throw new UsageError('--file: the file covers no day with a consumption value that can run (in --from..--to)');
      }
      if (options.dryRun === true) {
        ctx.out.write('dry run: nothing stored, nothing started\n');
        return;
      }

      const dataset = importing.name;
      const importRef: ImportRef = { dataset, key: importKeys.file(dataset, sha256, parsed.name), sha256 };
      const storage = await createStorage(ctx.config);
      try {
        if (!(await storage.objects.head(importRef.key))) {
          await storage.objects.put(importRef.key, bytes, { contentType: 'application/octet-stream' });
        }
        const manifest = importKeys.manifest(dataset, sha256);
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

      const id = givenId ?? `import-${sha256.slice(0, 12)}-${randomUUID().slice(0, 8)}`;
      const input: BackfillInput = { from, to, mode: 'all', parallel, datasets: [dataset], importRef };
      const { client, close } = await connectCommandClient(ctx);
      try {
        const handle = await startBackfill(client, input, id, ctx.config.temporal.taskQueue);
        ctx.out.write(`${handle.workflowId} started: ${days.length} day(s) of ${from}..${to}, ${parallel} at a time\n`);
        if (options.wait !== true) return;
        const result = await followBackfill(handle, id, ctx.out);
        ctx.out.write(rowsText(result.rows));
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
