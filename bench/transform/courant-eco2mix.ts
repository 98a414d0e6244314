/**
 * courant's eCO2mix transform in its own process, day by day as the daily activities run it: the
 * input (an ODRÉ export of one or many days) is streamed and cut into one export per Paris day —
 * what the download activity stores for a day — then, for each day, exactly what transformDay and
 * computeMetrics call: the module's transform (parse, validate, merge, Parquet, rejects) and its
 * metrics (SQL over the Parquet), then metrics.json.
 * Storage (copying the local files into the object store) is left out, as for the other tools.
 * Usage: courant-eco2mix.ts --input FILE --out DIR
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eco2mixModule } from '../../src/datasets/eco2mix/module.js';
import { openDuckDb } from '../../src/parquet/duckdb.js';
import { nextDate, parisDateOf, parisDayBounds } from '../../src/shared/partition.js';
import { printReport } from '../lib/child.js';
import { peakRssBytes } from '../lib/proc.js';
import { argsOf, required, treeBytes, type TransformReport } from './outputs.js';

const args = argsOf(process.argv.slice(2));
const input = required(args, 'input');
const out = required(args, 'out');
const config = { baseUrl: 'http://127.0.0.1' };
const encoder = new TextEncoder();
const scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-'));
const db = await openDuckDb({ tempDirectory: scratch });

const totals = { read: 0, written: 0, rejected: 0, days: 0, energyMWh: 0 };

/** One day through the activities' code. */
async function runDay(date: string, header: string, lines: readonly string[]): Promise<void> {
  const dayDir = await mkdtemp(path.join(scratch, 'day-'));
  const raw = path.join(dayDir, 'realtime.csv');
  await writeFile(raw, encoder.encode(`\uFEFF${header}\r\n${lines.join('\r\n')}\r\n`));
  const processedDir = path.join(out, 'processed', 'eco2mix', `dt=${date}`);
  const quarantineDir = path.join(out, 'quarantine', 'eco2mix', `dt=${date}`);
  const metricsDir = path.join(out, 'metrics', 'eco2mix', `dt=${date}`);
  await Promise.all([processedDir, quarantineDir, metricsDir].map((dir) => mkdir(dir, { recursive: true })));
  const connection = await db.connect();
  try {
    const tablePath = (table: string) => path.join(processedDir, `${table}.parquet`);
    const transformed = await eco2mixModule.transform({
      date,
      config,
      db: connection,
      files: [
        {
          source: 'realtime',
          key: `raw/eco2mix/dt=${date}/realtime.csv`,
          path: raw,
          sha256: '',
          order: 0,
          options: {},
        },
      ],
      tablePath,
      rejectsPath: path.join(quarantineDir, 'eco2mix_national.rejects.jsonl'),
      scratchDir: dayDir,
    });
    totals.read += transformed.rows.read;
    totals.rejected += transformed.rows.rejected;
    // transformDay fails a day with no usable rows; no metrics are computed for it.
    if (transformed.rows.written === 0) return;
    totals.written += transformed.rows.written;
    const tables = Object.fromEntries(transformed.tables.map((t) => [t, tablePath(t)]));
    const metrics = await eco2mixModule.metrics({
      date,
      config,
      db: connection,
      tables,
      history: () => Promise.resolve([]),
      anomaliesPath: path.join(dayDir, 'anomalies.parquet'),
    });
    await writeFile(path.join(metricsDir, 'metrics.json'), `${JSON.stringify(metrics.document, null, 2)}\n`);
    const energy = (metrics.document as { consumption?: { energyMWh?: number | null } }).consumption?.energyMWh;
    totals.energyMWh += energy ?? 0;
    totals.days += 1;
  } finally {
    connection.closeSync();
    await rm(dayDir, { recursive: true, force: true });
  }
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
