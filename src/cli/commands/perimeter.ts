/**
 * `courant perimeter --date D [--prm P]… [--format table|csv|json]`: the contracts in force on the
 * Paris day D, from the stored C15 events and the go-live snapshot, each with its source.
 * `courant perimeter import --file F`: the supplier's portfolio merged into the snapshot
 * (docs/billing.md, "Going live").
 */
import type { Command } from 'commander';
import path from 'node:path';
import { loadRates } from '../../billing/rates.js';
import { mergeSnapshot } from '../../billing/snapshot.js';
import { perimeterOn } from '../../billing/stored-month.js';
import { sha256OfFile } from '../../storage/file-hash.js';
import { ObjectNotFoundError } from '../../storage/object-store.js';
import { readableFile } from '../../storage/readable-file.js';
import { billingKeys } from '../../workflow-safe/keys.js';
import { isPartitionDate } from '../../workflow-safe/partition.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { regularFileOption } from '../regular-file.js';
import { csvText, textTable } from '../text-table.js';
import { FORMATS, parseFormat, parsePrms, repeatable, withBillingDb } from './billing-options.js';

export function definePerimeterCommand(command: Command, context: () => CommandContext): void {
  command
    .option('--date <YYYY-MM-DD>', 'the Paris day')
    .option('--prm <id>', 'only this PRM (repeatable)', repeatable)
    .option('--format <format>', `${FORMATS.join(', ')} (default table)`)
    .action(async (options: Record<string, unknown>) => {
      const date = options.date;
      if (date === undefined) throw new UsageError('--date is required (or: courant perimeter import --file F)');
      if (typeof date !== 'string' || !isPartitionDate(date))
        throw new UsageError(`--date: a day written YYYY-MM-DD, got ${JSON.stringify(date)}`);
      const prms = parsePrms(options.prm);
      const format = parseFormat(options.format);
      const ctx = context();
      const rows = await withBillingDb(ctx, ({ storage, dir, db }) => perimeterOn(storage, dir, db, date, prms));
      const header = ['prm', 'contract', 'since', 'source'];
      const cells = rows.map((r) => [r.prm, r.contract, r.since, r.source]);
      if (format === 'json') ctx.out.write(`${JSON.stringify({ date, prms: rows }, null, 2)}\n`);
      else ctx.out.write(format === 'csv' ? csvText(header, cells) : textTable(header, cells));
      ctx.err.write(`perimeter on ${date}: ${rows.length} contract${rows.length === 1 ? '' : 's'}\n`);
    });
  command
    .command('import')
    .description(
      "merge the supplier's portfolio into the go-live snapshot: a CSV prm,contract,fta,kva,since (docs/billing.md, Going live)",
    )
    .requiredOption('--file <path>', 'the CSV, UTF-8, header prm,contract,fta,kva,since')
    .action(async (options: Record<string, unknown>) => {
      const file = await regularFileOption('--file', options.file);
      const rates = loadRates();
      const ctx = context();
      const name = path.basename(file);
      const merged = await withBillingDb(ctx, async ({ storage, dir, db }) => {
        const stored = await readableFile(storage.objects, billingKeys.snapshot(), dir).then(
          (found) => found.path,
          (error: unknown) => {
            if (error instanceof ObjectNotFoundError) return null;
            throw error;
          },
        );
        const target = path.join(dir, 'snapshot.parquet');
        const counts = await mergeSnapshot(db, rates, { file, name, stored, target });
        if (counts.added > 0) {
          await storage.objects.putFile(billingKeys.snapshotImport(await sha256OfFile(file)), file);
          await storage.objects.putFile(billingKeys.snapshot(), target);
        }
        return counts;
      });
      ctx.err.write(
        `${name}: ${merged.rows} row(s), ${merged.added} contract(s) added, ${merged.rows - merged.added} already in the snapshot; ` +
          `${merged.contracts} in the snapshot → ${billingKeys.snapshot()}\n`,
      );
    });
}
