/**
 * The stored days an energy computation reads (`courant energies`, the console's energies API):
 * each day's table as a file to read, and the rows of the period as the module's SQL gives them.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { sqlString } from '../duckdb/columns.js';
import { openDuckDb } from '../duckdb/duckdb.js';
import { storageKeys } from '../workflow-safe/keys.js';
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store.js';
import { readableSnapshot } from '../storage/readable-file.js';
import type { PeriodEnergies } from '../datasets/capabilities/energies.js';

const DAY_IN_KEY = /\/dt=([0-9]{4}-[0-9]{2}-[0-9]{2})\//;

/**
 * The days of `first..last` whose `table` is stored, from one listing of the dataset's processed
 * folder: a range of any span costs what is stored, never a request per day of the range.
 */
export async function storedTableDays(
  objects: ObjectStore,
  dataset: string,
  table: string,
  range: { readonly first: string; readonly last: string },
): Promise<string[]> {
  const listed = await objects.list(storageKeys.processedFolder(dataset));
  return listed.flatMap(({ key }) => {
    const date = DAY_IN_KEY.exec(key)?.[1];
    if (date === undefined || date < range.first || date > range.last) return [];
    return key === storageKeys.processed(dataset, date, table) ? [date] : [];
  });
}

/**
 * The table of each stored day of `first..last` as a file DuckDB reads, with the tables it reads
 * alongside beside it when stored (`{dir}/{date}/{table}.parquet`): each as it was when listed, a
 * day re-run meanwhile leaving it as it was (`readableSnapshot`: a hard link to a local store's
 * file, no copy; else a copy). The computation's query scans each table in several parts: all of
 * them read one version.
 */
export async function energyDayFiles(
  objects: ObjectStore,
  dataset: string,
  energies: PeriodEnergies,
  range: { readonly first: string; readonly last: string },
  dir: string,
): Promise<string[]> {
  const files: string[] = [];
  for (const date of await storedTableDays(objects, dataset, energies.table, range)) {
    const readable = async (table: string) => {
      try {
        return (await readableSnapshot(objects, storageKeys.processed(dataset, date, table), path.join(dir, date)))
          .path;
      } catch (error) {
        if (!(error instanceof ObjectNotFoundError)) throw error;
        return null;
      }
    };
    const main = await readable(energies.table);
    if (main === null) continue;
    for (const table of energies.alongside ?? []) await readable(table);
    files.push(main);
  }
  return files;
}

const energyRowsSchema = z.array(z.record(z.string(), z.unknown()));

/**
 * The energy rows of `from..to` as DuckDB writes them in JSON, the same as `courant energies --format
 * json`, or null when no day of the period is stored.
 */
export async function periodEnergyRows(
  objects: ObjectStore,
  dataset: string,
  energies: PeriodEnergies,
  period: { from: string; to: string; meters: readonly string[] },
): Promise<Array<Record<string, unknown>> | null> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-energies-'));
  try {
    const range = { first: energies.firstDay(period.from), last: period.to };
    const files = await energyDayFiles(objects, dataset, energies, range, dir);
    if (files.length === 0) return null;
    const instance = await openDuckDb({ tempDirectory: dir });
    const db = await instance.connect();
    try {
      const query = energies.sql({ from: period.from, to: period.to, files, meters: [...period.meters] });
      const target = path.join(dir, 'energies.json');
      await db.run(`COPY (${query}) TO ${sqlString(target)} (FORMAT json, ARRAY true)`);
      return energyRowsSchema.parse(JSON.parse(await readFile(target, 'utf8')));
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
