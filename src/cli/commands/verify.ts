/**
 * `courant verify --from D1 --to D2 [--datasets a,b] [--deep]`: every output the succeeded day
 * records of the range list, checked against object storage (listed by folder, never one request
 * per object) with the size and ETag it was written with; with `--deep`, its bytes read and
 * checked against the SHA-256 it was written with. Prints the days whose outputs are missing or changed,
 * marks them `outputs missing` in their records (shown by `courant status`, the console and the
 * API; re-planned by `backfill --mode missing`) and exits 1 when there is any.
 */
import type { Command } from 'commander';
import { markOutputsMissing, describeProblem, verifyOutputs } from '../../activities/verify-outputs.js';
import { DATASET_NAMES } from '../../datasets/registry.js';
import { createStorage } from '../../storage/index.js';
import type { CommandContext } from '../context.js';
import { PipelineFailedError } from '../errors.js';
import { parseDatasetsOption } from '../options.js';
import { parseRangeOptions } from '../range-options.js';

export function defineVerifyCommand(command: Command, context: () => CommandContext): void {
  command
    .requiredOption('--from <YYYY-MM-DD>', 'first day')
    .requiredOption('--to <YYYY-MM-DD>', 'last day (inclusive)')
    .option('--datasets <list>', `comma-separated datasets of ${DATASET_NAMES.join(', ')} (default: all)`)
    .option(
      '--deep',
      'also read every output and check its SHA-256 (every byte read: for a disk under suspicion)',
      false,
    )
    .action(async (options: Record<string, unknown>) => {
      const { from, to } = parseRangeOptions(options, new Date());
      const datasets = parseDatasetsOption(options.datasets, DATASET_NAMES) ?? DATASET_NAMES;
      const ctx = context();
      const storage = await createStorage(ctx.config);
      try {
        const deep = options.deep === true;
        const result = await verifyOutputs(storage, { from, to, datasets }, { deep });
        const marked = await markOutputsMissing(storage.records, result.wanting);
        ctx.out.write(
          `verified ${result.days} succeeded day(s) of ${from}..${to}: ${result.outputs} output(s) against ` +
            `${result.listed} object(s) listed in ${result.folders} folder(s) of ${storage.objects.location}` +
            `${deep ? `, ${result.hashed} read and hashed against the SHA-256 each was written with` : ''}\n`,
        );
        if (result.wanting.length === 0) {
          ctx.out.write('every output is there as written\n');
          return;
        }
        ctx.out.write(`${result.wanting.length} day(s) with outputs missing or changed, marked "outputs missing":\n`);
        for (const day of result.wanting)
          for (const problem of day.problems)
            ctx.out.write(`  ${day.date}  ${day.dataset}  ${describeProblem(problem)}\n`);
        const dates = result.wanting.map((day) => day.date).sort();
        throw new PipelineFailedError(
          `${result.wanting.length} day(s) have outputs missing or changed (${marked} marked); re-run them: ` +
            `courant backfill --from ${dates[0]} --to ${dates[dates.length - 1]} --mode missing`,
        );
      } finally {
        await storage.close();
      }
    });
}
