/**
 * `courant perimeter --date D [--prm P]… [--format table|csv|json]`: the contracts in force on the
 * Paris day D, from the stored C15 events and the go-live snapshot, each with its source.
 * `courant perimeter import --file F`: the supplier's portfolio merged into the snapshot
 * (perimeter-import.ts).
 */
import type { Command } from 'commander';
import { perimeterOn } from '../../billing/perimeter.js';
import { isPartitionDate } from '../../workflow-safe/partition.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { csvText, textTable } from '../text-table.js';
import { FORMATS, parseFormat, parsePrms, repeatable, withBillingDb } from './billing-options.js';
import { definePerimeterImport } from './perimeter-import.js';

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
  definePerimeterImport(command, context);
}
