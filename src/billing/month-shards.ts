/**
 * A month billed in shards of PRMs (docs/billing.md, "A month in shards"), each shard its own
 * activity that any worker of the task queue takes:
 * 1. `billOrShardMonth` reads the days once and gathers the month's input; past `prmsAShard` PRMs it
 *    cuts it into shards and stores each shard's input (every file narrowed to its PRMs) and what
 *    the billing read, under the billing's work folder; a smaller month is billed and recorded there;
 * 2. `billShard` bills one shard from its input alone and stores its part;
 * 3. `recordShards` joins the parts in PRM order and records the month as a billing in one piece does.
 *
 * - A contract's figures depend on its PRM's rows only, and joining writes the rows in their order:
 *   the month's Parquet is byte-identical to one billed in one piece (`writeBillingParquet`).
 * - Only the month's workflow writes the work folders, one billing at a time; each step writes the
 *   same keys when run again (idempotent), and the next billing removes an earlier one's folder.
 * - Only `recordShards` writes the month itself, under its lease (`bill-month.ts`).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import path from 'node:path';
import { z } from 'zod';
import type { ObjectStore } from '../storage/object-store.js';
import type { BillingTrigger, ShardedMonth } from '../workflow-safe/billing.js';
import { billingKeys } from '../workflow-safe/keys.js';
import { recordBilledMonth, type MonthBilled, type MonthBiller } from './bill-month.js';
import { gatheredMonth, joinBilledParts, PRMS_A_SLICE, prmSlices, writeBillingParquet } from './billing.js';
import type { Rates } from './rates.js';
import { loadShardInput, storedJson, storeShardInput } from './shard-input.js';
import { storedMonthInput, type BillingStorage } from './stored-month.js';

type Scratch = { readonly dir: string; readonly db: DuckDBConnection };

/** What the billing read, for the record `recordShards` writes. */
const preparedSchema = z.object({
  readAt: z.string(),
  read: z.array(z.tuple([z.string(), z.string().nullable()])),
  unusable: z.array(z.object({ date: z.string(), why: z.string() })),
  shards: z.number().int().min(2),
});

const keys = (month: string, work: string) => {
  const folder = billingKeys.shardWork(month, work);
  return {
    prepared: `${folder}/prepared.json`,
    file: (shard: number, name: string) => `${folder}/${shard}/${name}`,
    part: (shard: number) => `${folder}/parts/${shard}.parquet`,
  };
};

/** Removes the work folders of `month` that `drop` names. */
async function dropWorkFolders(objects: ObjectStore, month: string, drop: (work: string) => boolean): Promise<void> {
  const folder = `${billingKeys.monthShards(month)}/`;
  for (const object of await objects.list(billingKeys.monthShards(month))) {
    const work = object.key.slice(folder.length).split('/')[0] ?? '';
    if (drop(work)) await objects.delete(object.key);
  }
}

/**
 * Step 1 (see the module's doc): `month` billed and recorded here when it has at most `prmsAShard`
 * PRMs, else cut into shards under the work folder `work`, earlier work folders of the month removed.
 */
export async function billOrShardMonth(
  storage: BillingStorage,
  scratch: Scratch,
  rates: Rates,
  run: { readonly month: string; readonly triggers: readonly BillingTrigger[]; readonly work: string },
  prmsAShard: number,
  biller: MonthBiller,
): Promise<(MonthBilled & { readonly file: string }) | ShardedMonth> {
  const { month, work } = run;
  const readAt = new Date().toISOString();
  biller.progress('reading the days');
  const input = await storedMonthInput(storage, scratch.dir, month, [], scratch.db);
  const file = path.join(scratch.dir, 'billing_elements.parquet');
  const gathered = await gatheredMonth(scratch.db, input, file);
  const [slices = [undefined], shards = [undefined]] = await prmSlices(scratch.db, gathered, [
    PRMS_A_SLICE,
    prmsAShard,
  ]);
  const unusable = (input.unusable ?? []).map(({ date, why }) => ({ date, why }));
  if (shards.length <= 1) {
    const contracts = await writeBillingParquet(scratch.db, rates, gathered, file, slices);
    return recordBilledMonth(
      storage,
      scratch,
      rates,
      { month, triggers: run.triggers, readAt },
      { file, contracts, unusable, read: input.read },
      biller,
    );
  }
  biller.progress(`storing ${shards.length} shards`);
  await dropWorkFolders(storage.objects, month, (other) => other !== work);
  const at = keys(month, work);
  for (const [shard, range] of shards.entries())
    await storeShardInput(
      storage.objects,
      scratch,
      (name) => at.file(shard, name),
      gathered,
      range ?? { from: null, to: null },
    );
  const prepared: z.infer<typeof preparedSchema> = { readAt, read: [...input.read], unusable, shards: shards.length };
  await storage.objects.put(at.prepared, JSON.stringify(prepared));
  return { month, work, shards: shards.length };
}

/** Step 2: bills shard `shard` of the work folder `work` from its stored input; resolves to its rows. */
export async function billShard(
  objects: ObjectStore,
  scratch: Scratch,
  rates: Rates,
  run: { readonly month: string; readonly work: string; readonly shard: number },
): Promise<number> {
  const at = keys(run.month, run.work);
  const input = await loadShardInput(objects, scratch.dir, run.month, (name) => at.file(run.shard, name));
  const part = path.join(scratch.dir, 'part.parquet');
  const rows = await writeBillingParquet(scratch.db, rates, input, part);
  await objects.putFile(at.part(run.shard), part);
  return rows;
}

/** Step 3: joins the parts of the work folder `work` in order and records the month for `triggers`. */
export async function recordShards(
  storage: BillingStorage,
  scratch: Scratch,
  rates: Rates,
  run: { readonly month: string; readonly work: string; readonly triggers: readonly BillingTrigger[] },
  biller: MonthBiller,
): Promise<MonthBilled & { readonly file: string }> {
  const at = keys(run.month, run.work);
  const prepared = await storedJson(storage.objects, at.prepared, preparedSchema);
  const parts: string[] = [];
  for (let shard = 0; shard < prepared.shards; shard += 1) {
    const part = path.join(scratch.dir, `part-${shard}.parquet`);
    await storage.objects.getToFile(at.part(shard), part);
    parts.push(part);
  }
  const file = path.join(scratch.dir, 'billing_elements.parquet');
  const contracts = await joinBilledParts(scratch.db, parts, file);
  return recordBilledMonth(
    storage,
    scratch,
    rates,
    { month: run.month, triggers: run.triggers, readAt: prepared.readAt },
    {
      file,
      contracts,
      unusable: prepared.unusable,
      read: new Map(prepared.read),
    },
    biller,
  );
}

/** Removes the work folder `work` once the month is recorded (again: nothing left to remove). */
export async function dropShards(objects: ObjectStore, month: string, work: string): Promise<void> {
  await dropWorkFolders(objects, month, (other) => other === work);
}
