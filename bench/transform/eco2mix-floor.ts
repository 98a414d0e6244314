/**
 * The floor under any DuckDB path for a year of eCO2mix days: what DuckDB alone takes to read the
 * year's export and to write one Parquet file per Paris day (the `dt=` partitions of
 * docs/architecture.md#storage-keys), each statement timed apart, with no check, merge, metric or
 * raw file. A goal that asks courant for less time than this floor cannot be met by a transform
 * that writes its days with DuckDB.
 * Usage: node --import tsx bench/transform/eco2mix-floor.ts --input FILE [--runs N]
 * Prints one line per statement and run: its name, codec and milliseconds.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sqlString } from '../../src/duckdb/columns.js';
import { argsOf, required } from './outputs.js';

const args = argsOf(process.argv.slice(2));
const input = required(args, 'input');
const runs = Number(args.runs ?? 3);
const CODECS = ['zstd', 'snappy'] as const;

async function timed(label: string, work: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await work();
  console.log(`${label}\t${(performance.now() - started).toFixed(0)} ms`);
}

for (let run = 1; run <= runs; run += 1) {
  const out = await mkdtemp(path.join(os.tmpdir(), 'courant-eco2mix-floor-'));
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await db.connect();
  try {
    await timed(`run ${run} read the export`, () =>
      connection.run(`CREATE TABLE days AS
        SELECT *, strftime(timezone('Europe/Paris', try_cast(date_heure AS TIMESTAMPTZ)), '%Y-%m-%d') AS dt
        FROM read_csv(${sqlString(input)}, delim = ';', header = true, all_varchar = true)`),
    );
    for (const codec of CODECS) {
      await timed(`run ${run} one Parquet file a day, ${codec}`, () =>
        connection.run(
          `COPY days TO ${sqlString(path.join(out, codec))} (FORMAT parquet, COMPRESSION ${codec}, PARTITION_BY (dt))`,
        ),
      );
      await timed(`run ${run} one Parquet file in all, ${codec}`, () =>
        connection.run(
          `COPY days TO ${sqlString(path.join(out, `${codec}.parquet`))} (FORMAT parquet, COMPRESSION ${codec})`,
        ),
      );
    }
  } finally {
    connection.closeSync();
    db.closeSync();
    await rm(out, { recursive: true, force: true });
  }
}
