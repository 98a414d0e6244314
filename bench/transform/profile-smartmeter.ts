/**
 * Where courant's smart-meter day spends its time: the module's transform and metrics, each timed,
 * with the JavaScript line count (blank-line numbering) timed apart.
 * Usage: profile-smartmeter.ts --input FILE --date D --out DIR
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { countDataLines } from '../../src/datasets/smartmeter/line-count.js';
import { transformSmartMeterFiles } from '../../src/datasets/smartmeter/day-transform.js';
import { smartMeterMetrics } from '../../src/datasets/smartmeter/day-metrics.js';
import { openDuckDb } from '../../src/duckdb/duckdb.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { printReport } from '../lib/child.js';
import { argsOf, required } from './outputs.js';

export interface ProfiledStep {
  readonly step: string;
  readonly seconds: number;
  /** DuckDB operators by time summed over threads, largest first (none when not profiled). */
  readonly operators: ReadonlyArray<{ readonly operator: string; readonly seconds: number }>;
}

const args = argsOf(process.argv.slice(2));
const input = required(args, 'input');
const date = required(args, 'date');
const out = required(args, 'out');
await mkdir(out, { recursive: true });
const scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-'));
const sha256 = await sha256OfFile(input);
// An empty parse cache: the transform parses the file.
process.env.TMPDIR = scratch;
const db = await openDuckDb({ tempDirectory: scratch });
const connection = await db.connect();
try {
  const steps: ProfiledStep[] = [];
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    steps.push({ step, seconds: (performance.now() - started) / 1000, operators: [] });
    return result;
  };
  await timed('line count (JavaScript, part of the transform)', () => countDataLines(input, input));
  const config = { stepMinutes: 30, dueHours: null };
  const tablePath = (table: string) => path.join(out, `${table}.parquet`);
  const transformed = await timed('transform: file → readings, meter_daily, rejects', () =>
    transformSmartMeterFiles({
      date,
      config,
      db: connection,
      files: [{ source: 'drop', key: 'readings.csv', path: input, sha256, order: 0, options: {} }],
      tablePath,
      rejectsPath: path.join(out, 'rejects.jsonl'),
      scratchDir: scratch,
    }),
  );
  const tables = Object.fromEntries(transformed.tables.map((t) => [t, tablePath(t)]));
  await timed('metrics: meter_daily → metrics.json', () =>
    smartMeterMetrics({
      date,
      config,
      db: connection,
      tables,
      history: () => Promise.resolve([]),
      anomaliesPath: path.join(scratch, 'anomalies.parquet'),
    }),
  );
  printReport({ steps });
} finally {
  connection.closeSync();
  db.closeSync();
  await rm(scratch, { recursive: true, force: true });
}
