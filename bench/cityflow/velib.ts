/**
 * The Vélib' bench alone: `node --import tsx bench/cityflow/velib.ts [--runs N] [--out FILE]`.
 * A Paris day of 96 status snapshots (15 minutes) of the real sample's 1 495 stations
 * (`velib-input.ts`) reduced to the day's metrics — the module's transform, then its metrics — in
 * this process with the worker's DuckDB settings (`openDuckDb`: 2 threads, 512 MB), N rounds. Writes
 * the "Cityflow" section of RESULTS.md (bench/RESULTS.md by default; the rest is left as it is).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cityflowVelibDataset } from '../../src/datasets/cityflow-velib/module.js';
import { openDuckDb } from '../../src/duckdb/duckdb.js';
import { BENCH_DIR } from '../lib/child.js';
import { int, mb, seconds, table } from '../lib/markdown.js';
import { max, median } from '../lib/stats.js';
import { writeCityflowBlock } from './results-block.js';
import { timedModuleDay } from './timed-day.js';
import { velibDay } from './velib-input.js';

const BLOCK = "### Vélib'";
const DATE = '2025-10-18';
const SLOT_MINUTES = 15;
const GOAL_SECONDS = 2;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, out: { type: 'string' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: a positive whole number, got ${values.runs}`);
const out = path.resolve(values.out ?? path.join(BENCH_DIR, 'RESULTS.md'));
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** The process's peak resident memory (VmHWM), in bytes. */
async function peakRss(): Promise<number> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const kb = /VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) * 1024;
}

const work = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-velib-'));
try {
  const files = await velibDay(path.join(work, 'raw'), DATE, SLOT_MINUTES);
  const inputBytes = (await Promise.all(files.map(async (f) => (await readFile(f.path)).length))).reduce(
    (a, b) => a + b,
    0,
  );
  const instance = await openDuckDb({ tempDirectory: path.join(work, 'duckdb') });
  const db = await instance.connect();
  const config = cityflowVelibDataset.config.read({
    VELIB_GBFS_BASE_URL: 'http://127.0.0.1:1',
    CITYFLOW_VELIB_COLLECT: 'true',
  });
  const rounds: Array<{ transform: number; metrics: number; total: number }> = [];
  let rows = { read: 0, written: 0, rejected: 0 };
  let coverage: number | null = null;
  for (let round = 0; round < runs; round += 1) {
    const dir = await mkdtemp(path.join(work, 'day-'));
    const { result, metrics, transform, total } = await timedModuleDay(
      cityflowVelibDataset,
      { date: DATE, config, db },
      files,
      dir,
    );
    rows = { ...result.rows };
    coverage = metrics.completeness;
    rounds.push({ transform, metrics: total - transform, total });
    log(`round ${round + 1}: ${seconds(total)}`);
    await rm(dir, { recursive: true, force: true });
  }
  db.closeSync();
  instance.closeSync();
  const total = median(rounds.map((r) => r.total));
  const load = os.loadavg()[0] ?? 0;
  const section = [
    BLOCK,
    '',
    `Run ${new Date().toISOString().slice(0, 16)}Z; \`node --import tsx bench/cityflow/velib.ts\` (\`bench/cityflow/velib.ts\`, ${runs} rounds in one process). ` +
      `Vélib': one Paris day (${DATE}) of ${files.length - 1} status snapshots of ${SLOT_MINUTES} minutes, each holding the 1 495 stations of the real sample in its layout ` +
      "(counts moved by a seeded random walk), and the real station list; the module's transform (DuckDB reading the JSON) then its metrics, with the worker's DuckDB settings (2 threads, 512 MB).",
    '',
    table(
      ['input', 'step', 'median', 'max'],
      [
        [
          `${files.length - 1} status snapshots and the list, ${mb(inputBytes)} MB of JSON, ${int(rows.read)} station rows`,
          'transform',
          seconds(median(rounds.map((r) => r.transform))),
          seconds(max(rounds.map((r) => r.transform))),
        ],
        ['', 'metrics', seconds(median(rounds.map((r) => r.metrics))), seconds(max(rounds.map((r) => r.metrics)))],
        ['', '**transform + metrics**', `**${seconds(total)}**`, seconds(max(rounds.map((r) => r.total)))],
      ],
    ),
    '',
    `- **${total <= GOAL_SECONDS ? 'Met' : 'Missed'}** — 96 snapshots of ~1 500 stations reduced to the day's metrics in ≤ ${GOAL_SECONDS} s: ${seconds(total)} (median).`,
    `- ${int(rows.written)} rows written, ${int(rows.rejected)} rejected; coverage ${coverage}; peak RSS of the process ${mb(await peakRss())} MB (the input generated in it too).`,
    `- The machine's load average (2 cores, shared) was ${load.toFixed(1)} at the end of the run.`,
    '',
  ].join('\n');
  await writeCityflowBlock(out, section);
  log(`wrote the Cityflow section of ${out}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
