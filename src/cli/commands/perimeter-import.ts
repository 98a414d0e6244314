/**
 * `courant perimeter import --file F`: the supplier's portfolio merged into the go-live snapshot
 * (docs/billing.md, "Going live"). The stored snapshot is read, merged with the file and written
 * holding the snapshot's lease, so that an import beside another waits for it (saying whom for)
 * and merges onto its result. The months already billed that the new contracts reach are then
 * asked to bill again (snapshot-rebilling.ts). A path that is not a regular file is refused at once.
 */
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadRates, type Rates } from '../../billing/rates.js';
import { mergeSnapshot, type SnapshotImport } from '../../billing/snapshot.js';
import { withSnapshotLease } from '../../billing/snapshot-lease.js';
import { billedMonths, type BillingStorage } from '../../billing/stored-month.js';
import { sha256OfFile } from '../../storage/file-hash.js';
import { type HeldLease, waitForLease } from '../../storage/held-lease.js';
import { ObjectNotFoundError } from '../../storage/object-store.js';
import { readableFile } from '../../storage/readable-file.js';
import { billingKeys } from '../../workflow-safe/keys.js';
import { monthOf } from '../../workflow-safe/periods.js';
import type { CommandContext } from '../context.js';
import { regularFileOption } from '../regular-file.js';
import { requestSnapshotRebilling } from '../snapshot-rebilling.js';
import { onceEach, withBillingDb } from './billing-options.js';

interface ImportedFile {
  readonly file: string;
  readonly name: string;
  readonly sha256: string;
}

/** Reads the stored snapshot, merges `imported` into it and, when it adds contracts, stores the file and the snapshot, each write guarded by the lease. */
async function mergeStored(
  tools: { storage: BillingStorage; dir: string; db: DuckDBConnection },
  rates: Rates,
  imported: ImportedFile,
  lease: HeldLease,
): Promise<SnapshotImport> {
  const { storage, dir, db } = tools;
  const stored = await readableFile(storage.objects, billingKeys.snapshot(), dir).then(
    (found) => found.path,
    (error: unknown) => {
      if (error instanceof ObjectNotFoundError) return null;
      throw error;
    },
  );
  const target = path.join(dir, 'snapshot.parquet');
  const merged = await mergeSnapshot(db, rates, { file: imported.file, name: imported.name, stored, target });
  if (merged.added > 0) {
    await lease.guard();
    await storage.objects.putFile(billingKeys.snapshotImport(imported.sha256), imported.file);
    await lease.guard();
    await storage.objects.putFile(billingKeys.snapshot(), target);
  }
  return merged;
}

export function definePerimeterImport(command: Command, context: () => CommandContext): void {
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
      const imported = { file, name: path.basename(file), sha256: await sha256OfFile(file) };
      // Unique to this run: two imports in one process (or pid) must not share the lease.
      const holder = `courant perimeter import of ${imported.name} on ${os.hostname()} (pid ${process.pid}, run ${randomUUID().slice(0, 8)})`;
      const whenHeld = waitForLease(
        onceEach((held) =>
          ctx.err.write(
            `${imported.name}: waiting for the import writing the snapshot (${held.holder}, lease until ${new Date(held.until).toISOString()})\n`,
          ),
        ),
      );
      const { merged, billed } = await withBillingDb(ctx, async (tools) => {
        const merged = await withSnapshotLease(tools.storage.records, holder, whenHeld, (lease) =>
          mergeStored(tools, rates, imported, lease),
        );
        return { merged, billed: merged.earliestAdded === null ? [] : await billedMonths(tools.storage.objects) };
      });
      ctx.err.write(
        `${imported.name}: ${merged.rows} row(s), ${merged.added} contract(s) added, ${merged.rows - merged.added} already in the snapshot; ` +
          `${merged.contracts} in the snapshot → ${billingKeys.snapshot()}\n`,
      );
      if (merged.earliestAdded === null) return;
      const from = monthOf(merged.earliestAdded);
      await requestSnapshotRebilling(
        ctx,
        from,
        billed.filter((month) => month >= from),
        billingKeys.snapshotImport(imported.sha256),
      );
    });
}
