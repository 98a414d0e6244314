/**
 * courant's eCO2mix transform in its own process, day by day as the daily activities run it: the
 * input (an ODRÉ export of one or many days) is streamed and cut into one export per Paris day —
 * what the download activity stores for a day — then, for each day, exactly what transformDay and
 * computeMetrics call: the pipeline's transform (parse, validate, merge), writeParquetFile, the
 * rejects as JSON lines, readParquetFile + fromRow + the pipeline's metrics, metrics.json.
 * Storage (copying the local files into the object store) is left out, as for the other tools.
 * Usage: courant-eco2mix.ts --input FILE --out DIR
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eco2mixPipeline } from '../../src/datasets/eco2mix/pipeline.js';
import { openDuckDb } from '../../src/parquet/duckdb.js';
import { readParquetFile } from '../../src/parquet/read.js';
import { writeParquetFile } from '../../src/parquet/write.js';
import { nextDate, parisDateOf, parisDayBounds } from '../../src/shared/partition.js';
import { printReport } from '../lib/child.js';
import { peakRssBytes } from '../lib/proc.js';
import { argsOf, required, treeBytes, type TransformReport } from './outputs.js';

const args = argsOf(process.argv.slice(2));
const input = required(args, 'input');
const out = required(args, 'out');
const pipeline = eco2mixPipeline;
const encoder = new TextEncoder();
const scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-'));
const db = await openDuckDb({ tempDirectory: scratch });

const totals = { read: 0, written: 0, rejected: 0, days: 0, energyMWh: 0 };

/** One day through the activities' code. */
async function runDay(date: string, header: string, lines: readonly string[]): Promise<void> {
  const file = `raw/eco2mix/dt=${date}/realtime.csv`;
  const body = encoder.encode(`\uFEFF${header}\r\n${lines.join('\r\n')}\r\n`);
  const transformed = pipeline.transform(date, [{ source: 'realtime', file, body }]);
  totals.read += transformed.rowsRead;
  totals.rejected += transformed.rejects.length;
  // transformDay fails a day with no usable rows; nothing is written for it.
  if (transformed.records.length === 0) return;
  const processedDir = path.join(out, 'processed', 'eco2mix', `dt=${date}`);
  const quarantineDir = path.join(out, 'quarantine', 'eco2mix', `dt=${date}`);
  const metricsDir = path.join(out, 'metrics', 'eco2mix', `dt=${date}`);
  await Promise.all([processedDir, quarantineDir, metricsDir].map((dir) => mkdir(dir, { recursive: true })));
  const parquet = path.join(processedDir, `${pipeline.table}.parquet`);
  totals.written += await writeParquetFile(
    db,
    transformed.records as Record<string, unknown>[],
    pipeline.columns,
    parquet,
  );
  await writeFile(
    path.join(quarantineDir, `${pipeline.table}.rejects.jsonl`),
    transformed.rejects.map((r) => `${JSON.stringify(r)}\n`).join(''),
  );
  const rows = await readParquetFile(db, parquet, pipeline.columns);
  const metrics = pipeline.metrics(
    date,
    rows.map((row) => pipeline.fromRow(row)),
  );
  await writeFile(path.join(metricsDir, 'metrics.json'), `${JSON.stringify(metrics.document, null, 2)}\n`);
  const energy = (metrics.document as { consumption?: { energyMWh?: number | null } }).consumption?.energyMWh;
  totals.energyMWh += energy ?? 0;
  totals.days += 1;
}

/** Lines of a file, without their line ends, read in 1 MiB chunks. */
async function* linesOf(file: string): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part;
  }
  if (rest !== '') yield rest;
}

try {
  const started = performance.now();
  let header: string | null = null;
  let instantIndex = -1;
  let day: { date: string; end: number } | null = null;
  let lines: string[] = [];
  for await (const line of linesOf(input)) {
    if (header === null) {
      header = line.replace(/^\uFEFF/, '');
      instantIndex = header.split(';').indexOf('date_heure');
      if (instantIndex < 0) throw new Error(`${input}: no date_heure column`);
      continue;
    }
    if (line === '') continue;
    const at = Date.parse(line.split(';', instantIndex + 1)[instantIndex] ?? '');
    if (day === null && Number.isFinite(at)) {
      const date = parisDateOf(new Date(at));
      day = { date, end: parisDayBounds(date).end.getTime() };
    }
    if (day !== null && Number.isFinite(at) && at >= day.end) {
      // The export is ordered by instant: the rows so far are the whole day.
      await runDay(day.date, header, lines);
      lines = [];
      let date = nextDate(day.date);
      while (parisDayBounds(date).end.getTime() <= at) date = nextDate(date);
      day = { date, end: parisDayBounds(date).end.getTime() };
    }
    lines.push(line);
  }
  if (header !== null && day !== null && lines.length > 0) await runDay(day.date, header, lines);
  const report: TransformReport = {
    seconds: (performance.now() - started) / 1000,
    peakRssBytes: peakRssBytes() ?? 0,
    outputBytes: await treeBytes(out),
    checks: {
      rowsRead: totals.read,
      rowsWritten: totals.written,
      rowsRejected: totals.rejected,
      days: totals.days,
      total: Math.round(totals.energyMWh),
    },
  };
  printReport(report);
} finally {
  db.closeSync();
  await rm(scratch, { recursive: true, force: true });
}
