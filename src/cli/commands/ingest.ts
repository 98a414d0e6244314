/**
 * `courant ingest --dataset NAME --file PATH | --dir DIR [--meter-id ID] [--wait]`: puts files in
 * the dataset's inbox (`inbox/{dataset}/{sha256 prefix}-{name}`) and starts one `ingestDrop` per
 * file, which claims it into the Paris days it covers and runs them; with `--wait`, prints each
 * file's days as they finish. Options are checked before anything is stored.
 */
import type { Command } from 'commander';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { startIngest } from '../../client/start-ingest.js';
import { failureChain } from '../../client/failure-text.js';
import type { DropCapability } from '../../datasets/capabilities/drop.js';
import { modulesWith } from '../../datasets/modules.js';
import { DATASET_MODULES } from '../../datasets/registry.js';
import { inboxKeys } from '../../workflow-safe/keys.js';
import { sha256OfFile } from '../../storage/file-hash.js';
import { createStorage } from '../../storage/index.js';
import { connectCommandClient } from '../command-client.js';
import { printable } from '../printable.js';
import { daysWithRejects, rowsLines } from '../rows-summary.js';
import type { CommandContext } from '../context.js';
import { PipelineFailedError, UsageError } from '../errors.js';

const DROPPABLE = modulesWith(DATASET_MODULES, 'drop');
const DROP_DATASETS = DROPPABLE.map((m) => m.dataset.name);

function dropModule(value: unknown): { readonly name: string; readonly drop: DropCapability } {
  const module = DROPPABLE.find((m) => m.dataset.name === value);
  if (!module) {
    throw new UsageError(
      `--dataset: expected one of ${DROP_DATASETS.join(', ')} (datasets fed by files), got ${JSON.stringify(value)}`,
    );
  }
  return { name: module.dataset.name, drop: module.capability };
}

/** The dataset's options from the command line (`--meter-id` → `meterId`), checked by its drop capability. */
function dropOptions(
  target: { readonly drop: DropCapability },
  options: Record<string, unknown>,
): Record<string, string> {
  const given: Record<string, string> = typeof options.meterId === 'string' ? { meterId: options.meterId } : {};
  const checked = target.drop.options.safeParse(given);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const flag = issue?.path[0] === 'meterId' ? '--meter-id' : 'options';
    throw new UsageError(`${flag}: ${issue?.message ?? 'invalid'}, got ${JSON.stringify(options.meterId)}`);
  }
  return given;
}

async function regularFile(file: string, option: string): Promise<{ path: string; bytes: number }> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${option}: cannot read ${file} (${error.code ?? error.message})`);
  });
  if (!info.isFile()) throw new UsageError(`${option}: ${file} is not a regular file`);
  if (info.size === 0) throw new UsageError(`${option}: ${file} is empty`);
  return { path: file, bytes: info.size };
}

/** `--file` or every regular file directly in `--dir` (sorted), refused when none or both are given. */
async function filesToIngest(options: Record<string, unknown>): Promise<Array<{ path: string; bytes: number }>> {
  const { file, dir } = options;
  if ((typeof file === 'string') === (typeof dir === 'string'))
    throw new UsageError('give exactly one of --file or --dir');
  if (typeof file === 'string') return [await regularFile(file, '--file')];
  const folder = String(dir);
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--dir: cannot read ${folder} (${error.code ?? error.message})`);
  });
  const names = entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw new UsageError(`--dir: ${folder} holds no file`);
  return Promise.all(names.map((name) => regularFile(path.join(folder, name), '--dir')));
}

export function defineIngestCommand(command: Command, context: () => CommandContext): void {
  command
    .requiredOption('--dataset <name>', `the dataset the files hold: ${DROP_DATASETS.join(', ')}`)
    .option('--file <path>', 'one file')
    .option('--dir <path>', 'every file directly in this folder')
    .option('--meter-id <id>', 'the meter of files whose shape has no meter column (default: the file name)')
    .option('--wait', 'wait for every day of every file, printing each file as it finishes', false)
    .action(async (options: Record<string, unknown>) => {
      const target = dropModule(options.dataset);
      const extra = dropOptions(target, options);
      const files = await filesToIngest(options);
      const ctx = context();
      const storage = await createStorage(ctx.config);
      const { client, close } = await connectCommandClient(ctx).catch(async (error: unknown) => {
        await storage.close();
        throw error;
      });
      try {
        const handles = [];
        for (const file of files) {
          const sha256 = await sha256OfFile(file.path);
          const fileName = path.basename(file.path);
          const inboxKey = inboxKeys.file(target.name, sha256, fileName);
          if (!(await storage.objects.head(inboxKey))) await storage.objects.putFile(inboxKey, file.path);
          const handle = await startIngest(
            client,
            { dataset: target.name, inboxKey, options: { ...extra, fileName } },
            ctx.config.temporal.taskQueue,
          );
          ctx.out.write(`${printable(fileName)} → ${inboxKey}: ${handle.workflowId} started\n`);
          handles.push({ fileName, handle });
        }
        if (options.wait !== true) return;
        let failed = 0;
        for (const { fileName, handle } of handles) {
          try {
            const result = await handle.result();
            const [first = '-', last = '-'] = [result.days[0], result.days.at(-1)];
            const runs = (await storage.records.listDayRuns({ from: first, to: last, datasets: [target.name] })).filter(
              (run) => result.days.includes(run.date),
            );
            const rejecting = daysWithRejects(runs);
            ctx.out.write(
              `${printable(fileName)}: ${result.days.length} day(s) (${first === last ? first : `${first}..${last}`}), ` +
                `${result.ran.length} run, all succeeded${rejecting > 0 ? `, rows rejected on ${rejecting} day(s)` : ''}` +
                `${result.released ? '; removed from the inbox' : ''}\n${rowsLines(runs)
                  .map((line) => `  ${line}\n`)
                  .join('')}`,
            );
          } catch (error) {
            failed += 1;
            ctx.out.write(`${printable(fileName)}: failed\n${failureChain(error)}\n`);
          }
        }
        if (failed > 0) throw new PipelineFailedError(`${failed} of ${handles.length} file(s) failed`);
      } finally {
        await close();
        await storage.close();
      }
    });
}
