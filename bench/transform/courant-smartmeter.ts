/**
 * courant's smart-meter day in its own process, as the activities run it: the worker's DuckDB
 * settings (openDuckDb), the module's transform of the day's file, its metrics (the anomalies scored, with
 * no history, as for a first day), and metrics.json. The file is parsed by the run (the parse cache
 * is empty: the process's temporary folder is a new one).
 * Usage: courant-smartmeter.ts --input FILE --date D --out DIR
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { transformSmartMeterFiles } from '../../src/datasets/smartmeter/day-transform.js';
import { smartMeterMetrics } from '../../src/datasets/smartmeter/day-metrics.js';
import { openDuckDb } from '../../src/duckdb/duckdb.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { printReport } from '../lib/child.js';
import { peakRssBytes } from '../lib/proc.js';
import { argsOf, required, treeBytes, type TransformReport } from './outputs.js';

const args = argsOf(process.argv.slice(2));
const input = required(args, 'input');
const date = required(args, 'date');
const out = required(args, 'out');
const scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-'));
const sha256 = await sha256OfFile(input);
process.env.TMPDIR = scratch;
const db = await openDuckDb({ tempDirectory: scratch });
try {
  const started = performance.now();
  const processed = path.join(out, 'processed', 'smartmeter', `dt=${date}`);
  const quarantine = path.join(out, 'quarantine', 'smartmeter', `dt=${date}`);
  const metricsDir = path.join(out, 'metrics', 'smartmeter', `dt=${date}`);
  await Promise.all([processed, quarantine, metricsDir].map((dir) => mkdir(dir, { recursive: true })));
  const connection = await db.connect();
  const config = { stepMinutes: 30, dueHours: null };
  const tablePath = (table: string) => path.join(processed, `${table}.parquet`);
  const transformed = await transformSmartMeterFiles({
    date,
    config,
    db: connection,
    files: [
      { source: 'drop', key: `raw/smartmeter/dt=${date}/readings.csv`, path: input, sha256, order: 0, options: {} },
    ],
    tablePath,
    rejectsPath: path.join(quarantine, 'readings.rejects.jsonl'),
    scratchDir: scratch,
  });
  const tables = Object.fromEntries(transformed.tables.map((t) => [t, tablePath(t)]));
  const metrics = await smartMeterMetrics({
    date,
    config,
    db: connection,
    tables,
    history: () => Promise.resolve([]),
    anomaliesPath: path.join(out, 'anomalies.parquet'),
  });
  connection.closeSync();
  await writeFile(path.join(metricsDir, 'metrics.json'), `${JSON.stringify(metrics.document, null, 2)}\n`);
  const seconds = (performance.now() - started) / 1000;
  const report: TransformReport = {
    seconds,
    peakRssBytes: peakRssBytes() ?? 0,
    outputBytes: await treeBytes(out),
    checks: {
      rowsRead: transformed.rows.read,
      rowsWritten: transformed.rows.written,
      rowsRejected: transformed.rows.rejected,
      days: 1,
      total: Math.round(Number(metrics.document.energyKWh ?? 0)),
    },
  };
  printReport(report);
} finally {
  db.closeSync();
  await rm(scratch, { recursive: true, force: true });
}
