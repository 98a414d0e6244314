/**
 * A shard's input (`month-shards.ts`): the month's gathered input narrowed to the shard's PRMs, each
 * file stored under the shard's folder and named in `input.json` in its place of the month's input,
 * then read back by the worker that bills the shard.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { sqlString } from '../duckdb/columns.js';
import { copyToParquetSql } from '../duckdb/copy.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { PrmRange } from './billing.js';
import type { MonthSqlInput } from './month-sql.js';

const shardInputSchema = z.object({
  eventFiles: z.array(z.string()),
  readingFiles: z.array(z.string()),
  snapshotFiles: z.array(z.string()),
  readingSpansFile: z.string().optional(),
  unusable: z.array(
    z.object({
      date: z.string(),
      why: z.string(),
      eventFile: z.string().optional(),
      readingFile: z.string().optional(),
    }),
  ),
});
type ShardInput = z.infer<typeof shardInputSchema>;

/** The key of the shard's file `name`. */
export type ShardKey = (name: string) => string;

const INPUT = 'input.json';

/** Maps each file of `input` through `each` (its file, a name for it), one after the other. */
async function eachFile(
  input: Omit<MonthSqlInput, 'month' | 'prms'>,
  each: (file: string, name: string) => Promise<string>,
): Promise<ShardInput> {
  const all = async (files: readonly string[], name: string) => {
    const mapped: string[] = [];
    for (const [i, file] of files.entries()) mapped.push(await each(file, `${name}-${i}.parquet`));
    return mapped;
  };
  const unusable: ShardInput['unusable'] = [];
  for (const [i, day] of (input.unusable ?? []).entries())
    unusable.push({
      date: day.date,
      why: day.why,
      ...(day.eventFile === undefined ? {} : { eventFile: await each(day.eventFile, `unusable-${i}-events.parquet`) }),
      ...(day.readingFile === undefined
        ? {}
        : { readingFile: await each(day.readingFile, `unusable-${i}-readings.parquet`) }),
    });
  return {
    eventFiles: await all(input.eventFiles, 'events'),
    readingFiles: await all(input.readingFiles, 'readings'),
    snapshotFiles: await all(input.snapshotFiles ?? [], 'snapshot'),
    ...(input.readingSpansFile === undefined
      ? {}
      : { readingSpansFile: await each(input.readingSpansFile, 'spans.parquet') }),
    unusable,
  };
}

/** Stores `input` narrowed to the PRMs of `range` (every file has a `prm` column) at `key`, by way of `scratch.dir`. */
export async function storeShardInput(
  objects: ObjectStore,
  scratch: { readonly dir: string; readonly db: DuckDBConnection },
  key: ShardKey,
  input: MonthSqlInput,
  range: PrmRange,
): Promise<void> {
  const only = [
    range.from === null ? '' : `AND prm >= ${sqlString(range.from)}`,
    range.to === null ? '' : `AND prm < ${sqlString(range.to)}`,
  ].join(' ');
  const stored = await eachFile(input, async (file, name) => {
    const local = path.join(scratch.dir, `shard-${name}`);
    await scratch.db.run(copyToParquetSql(`SELECT * FROM read_parquet(${sqlString(file)}) WHERE true ${only}`, local));
    await objects.putFile(key(name), local);
    await rm(local, { force: true });
    return name;
  });
  await objects.put(key(INPUT), JSON.stringify(stored));
}

/** The JSON object stored at `key`, checked by `schema`. */
export async function storedJson<T>(objects: ObjectStore, key: string, schema: z.ZodType<T>): Promise<T> {
  return schema.parse(JSON.parse(new TextDecoder().decode(await objects.get(key))));
}

/** The shard's input stored at `key`, its files read into `dir`. */
export async function loadShardInput(
  objects: ObjectStore,
  dir: string,
  month: string,
  key: ShardKey,
): Promise<MonthSqlInput> {
  const stored = await storedJson(objects, key(INPUT), shardInputSchema);
  const local = await eachFile(stored, async (name) => {
    const file = path.join(dir, name);
    await objects.getToFile(key(name), file);
    return file;
  });
  return { month, prms: [], ...local };
}
