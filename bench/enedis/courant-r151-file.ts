/**
 * One R151 file of many days through courant's Enedis module in its own process, as the activities
 * run it: the claim (`drop.days`: which days the file closes) then the transform of each of its days,
 * with the worker's DuckDB settings (openDuckDb). Starts with an empty parse cache (a temporary
 * directory of its own). Prints the time, the peak RSS and the rows written.
 * Usage: courant-r151-file.ts --input FILE --out DIR
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { enedisDrop } from '../../src/datasets/enedis/drop.js';
import { transformEnedisFiles } from '../../src/datasets/enedis/day-transform.js';
import { openDuckDb } from '../../src/duckdb/duckdb.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { printReport } from '../lib/child.js';
import { peakRssBytes } from '../lib/proc.js';
import { argsOf, required } from '../transform/outputs.js';

const args = argsOf(process.argv.slice(2));
const input = required(args, 'input');
const out = required(args, 'out');
const scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-enedis-'));
// An empty parse cache: the claim parses the file.
process.env.TMPDIR = scratch;
const db = await openDuckDb({ tempDirectory: scratch });
const config = { jumpKWh: 1000 };
try {
  const connection = await db.connect();
  const started = performance.now();
  const key = 'raw/enedis/r151.xml';
  const sha256 = await sha256OfFile(input);
  const days =
    (await enedisDrop.days({
      db: connection,
      path: input,
      file: key,
      sha256,
      options: {},
      config,
      now: new Date(),
    })) ?? [];
  const claimed = performance.now();
  let written = 0;
  for (const date of days) {
    const dir = path.join(out, 'processed', 'enedis', `dt=${date}`);
    await mkdir(dir, { recursive: true });
    const work = await mkdtemp(path.join(scratch, 'day-'));
    const result = await transformEnedisFiles({
      date,
      config,
      db: connection,
      files: [{ source: 'drop', key, path: input, sha256, order: 0, options: {} }],
      tablePath: (table) => path.join(dir, `${table}.parquet`),
      rejectsPath: path.join(dir, 'rejects.jsonl'),
      scratchDir: work,
    });
    written += result.rows.written;
    await rm(work, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  printReport({
    seconds,
    claimSeconds: (claimed - started) / 1000,
    days: days.length,
    rowsWritten: written,
    peakRssBytes: peakRssBytes() ?? 0,
  });
  connection.closeSync();
} finally {
  db.closeSync();
  await rm(scratch, { recursive: true, force: true });
}
