/**
 * courant's smart-meter transform in its own process, as the worker runs it: the worker's DuckDB
 * settings (openDuckDb), transformSmartMeterDay, and the day's metrics.json.
 * Usage: courant-smartmeter.ts --input FILE --date D --out DIR
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SMARTMETER_TABLES } from '../../src/datasets/smartmeter/columns.js';
import { transformSmartMeterDay } from '../../src/datasets/smartmeter/transform.js';
import { openDuckDb } from '../../src/parquet/duckdb.js';
import { printReport } from '../lib/child.js';
import { peakRssBytes } from '../lib/proc.js';
import { argsOf, required, treeBytes, type TransformReport } from './outputs.js';

const args = argsOf(process.argv.slice(2));
const input = required(args, 'input');
const date = required(args, 'date');
const out = required(args, 'out');
const scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-'));
const db = await openDuckDb({ tempDirectory: scratch });
try {
  const started = performance.now();
  const processed = path.join(out, 'processed', 'smartmeter', `dt=${date}`);
  const quarantine = path.join(out, 'quarantine', 'smartmeter', `dt=${date}`);
  const metricsDir = path.join(out, 'metrics', 'smartmeter', `dt=${date}`);
  await Promise.all([processed, quarantine, metricsDir].map((dir) => mkdir(dir, { recursive: true })));
  const result = await transformSmartMeterDay(db, {
    date,
    csvPath: input,
    file: `raw/smartmeter/dt=${date}/readings.csv`,
    targets: {
      readings: path.join(processed, `${SMARTMETER_TABLES.readings}.parquet`),
      meterDaily: path.join(processed, `${SMARTMETER_TABLES.meterDaily}.parquet`),
      rejects: path.join(quarantine, `${SMARTMETER_TABLES.readings}.rejects.jsonl`),
    },
  });
  await writeFile(path.join(metricsDir, 'metrics.json'), `${JSON.stringify(result.metrics, null, 2)}\n`);
  const seconds = (performance.now() - started) / 1000;
  const report: TransformReport = {
    seconds,
    peakRssBytes: peakRssBytes() ?? 0,
    outputBytes: await treeBytes(out),
    checks: {
      rowsRead: result.rows.read,
      rowsWritten: result.rows.written,
      rowsRejected: result.rows.rejected,
      days: 1,
      total: Math.round(result.metrics.totalKWh ?? 0),
    },
  };
  printReport(report);
} finally {
  db.closeSync();
  await rm(scratch, { recursive: true, force: true });
}
