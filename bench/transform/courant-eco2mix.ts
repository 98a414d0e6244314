/**
 * courant's eCO2mix transform in its own process, as an import runs it: the input (an ODRÉ export
 * of one or many days) is streamed and cut into one export per Paris day — the raw file an import
 * stores for a day — then the days go through the module's transform of a range of days in ranges
 * of IMPORT_DAYS_PER_PASS, exactly what the import's `transformImportDays` calls, each pass on a
 * DuckDB of its own (`withPassDb`): the transform (parse, validate, merge, Parquet, rejects) and the
 * metrics (SQL over the Parquet), then each day's metrics.json. Storage (copying the local files into the object store) is left out, as for
 * the other tools.
 * Usage: courant-eco2mix.ts --input FILE --out DIR
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IMPORT_DAYS_PER_PASS, withPassDb } from '../../src/activities/import-days.js';
import type { TransformDay } from '../../src/datasets/contract.js';
import { eco2mixDataset } from '../../src/datasets/eco2mix/module.js';
import { nextDate, parisDateOf, parisDayBounds } from '../../src/workflow-safe/partition.js';
import { printReport } from '../lib/child.js';
import { peakRssBytes } from '../lib/proc.js';
import { argsOf, required, treeBytes, type TransformReport } from './outputs.js';

const args = argsOf(process.argv.slice(2));
const input = required(args, 'input');
const out = required(args, 'out');
const config = { baseUrl: 'http://127.0.0.1' };
const encoder = new TextEncoder();
const scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-'));

const totals = { read: 0, written: 0, rejected: 0, days: 0, energyMWh: 0 };
let batch: TransformDay[] = [];

/** One day's export, written as the raw file the import stores for it. */
async function addDay(date: string, header: string, lines: readonly string[]): Promise<void> {
  const raw = path.join(scratch, 'raw', `dt=${date}`, 'realtime.csv');
  await mkdir(path.dirname(raw), { recursive: true });
  await writeFile(raw, encoder.encode(`\uFEFF${header}\r\n${lines.join('\r\n')}\r\n`));
  const key = `raw/eco2mix/dt=${date}/realtime.csv`;
  batch.push({ date, files: [{ source: 'realtime', key, path: raw, sha256: '', order: 0, options: {} }] });
  if (batch.length >= IMPORT_DAYS_PER_PASS) await runBatch();
}

/** The batch's days through the module's transform and metrics of a range of days. */
async function runBatch(): Promise<void> {
  if (batch.length === 0) return;
  const days = batch;
  batch = [];
  // The days' tables and rejects stay where they are written, as the other tools' outputs stay
  // where they write them (storing them is left out).
  const outputDir = await mkdtemp(path.join(out, 'pass-'));
  await Promise.all(days.map((day) => mkdir(path.join(outputDir, day.date))));
  const tablePath = (date: string, table: string) => path.join(outputDir, date, `${table}.parquet`);
  await withPassDb(scratch, async (db) => {
    const outputs = await eco2mixDataset.transform({
      config,
      db,
      days,
      tablePath,
      rejectsPath: (date) => path.join(outputDir, date, 'rejects.jsonl'),
      scratchDir: await mkdtemp(path.join(scratch, 'work-')),
    });
    // The import's days with no usable rows fail on their own and get no metrics.
    const kept = days.filter((day) => (outputs.get(day.date)?.rows.written ?? 0) > 0);
    for (const output of outputs.values()) {
      totals.read += output.rows.read;
      totals.rejected += output.rows.rejected;
      totals.written += output.rows.written;
    }
    const metrics = await eco2mixDataset.metrics({
      config,
      db,
      days: kept.map((day) => ({
        date: day.date,
        tables: Object.fromEntries(
          (outputs.get(day.date)?.tables ?? []).map((table) => [table, tablePath(day.date, table)]),
        ),
      })),
      history: () => Promise.resolve([]),
      anomaliesPath: (date) => path.join(outputDir, date, 'anomalies.parquet'),
    });
    await Promise.all(
      [...metrics].map(async ([date, day]) => {
        const dir = path.join(out, 'metrics', 'eco2mix', `dt=${date}`);
        await mkdir(dir, { recursive: true });
        await writeFile(path.join(dir, 'metrics.json'), `${JSON.stringify(day.document, null, 2)}\n`);
      }),
    );
    for (const day of metrics.values()) {
      const energy = (day.document as { consumption?: { energyMWh?: number | null } }).consumption?.energyMWh;
      totals.energyMWh += energy ?? 0;
      totals.days += 1;
    }
  });
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
      await addDay(day.date, header, lines);
      lines = [];
      let date = nextDate(day.date);
      while (parisDayBounds(date).end.getTime() <= at) date = nextDate(date);
      day = { date, end: parisDayBounds(date).end.getTime() };
    }
    lines.push(line);
  }
  if (header !== null && day !== null && lines.length > 0) await addDay(day.date, header, lines);
  await runBatch();
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
  await rm(scratch, { recursive: true, force: true });
}
