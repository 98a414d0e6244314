/**
 * Where courant's smart-meter transform spends its time: the transform's steps, one at a time,
 * with DuckDB's profiler on (operator timings summed over its threads) and the JavaScript line
 * count timed apart. The steps and SQL are the transform's own (src/datasets/smartmeter/sql.ts).
 * Usage: profile-smartmeter.ts --input FILE --date D --out DIR
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readSmartMeterHeader } from '../../src/datasets/smartmeter/header.js';
import { countDataLines } from '../../src/datasets/smartmeter/line-count.js';
import {
  copyJsonLines,
  copyParquet,
  keptRowsQuery,
  meterDailyQuery,
  rejectedRowsQuery,
  type ScanPlan,
} from '../../src/datasets/smartmeter/sql.js';
import { openDuckDb } from '../../src/parquet/duckdb.js';
import { expectedPoints, parisDayBounds } from '../../src/shared/partition.js';
import { printReport } from '../lib/child.js';
import { argsOf, required } from './outputs.js';

export interface ProfiledStep {
  readonly step: string;
  readonly seconds: number;
  /** DuckDB operators by time summed over threads, largest first. */
  readonly operators: ReadonlyArray<{ readonly operator: string; readonly seconds: number }>;
}

interface OperatorNode {
  readonly operator_name?: string;
  readonly operator_type?: string;
  readonly operator_timing?: number;
  readonly children?: readonly OperatorNode[];
}

function operatorTimes(node: OperatorNode, into: Map<string, number>): void {
  const name = (node.operator_name ?? node.operator_type ?? '').trim();
  if (name !== '' && (node.operator_timing ?? 0) > 0)
    into.set(name, (into.get(name) ?? 0) + (node.operator_timing ?? 0));
  for (const child of node.children ?? []) operatorTimes(child, into);
}

const args = argsOf(process.argv.slice(2));
const input = required(args, 'input');
const date = required(args, 'date');
const out = required(args, 'out');
await mkdir(out, { recursive: true });
const scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-'));
const db = await openDuckDb({ tempDirectory: scratch });
const connection = await db.connect();
try {
  const { start, end } = parisDayBounds(date);
  const grid = {
    date,
    startMs: start.getTime(),
    endMs: end.getTime(),
    stepMinutes: 30,
    expectedIntervals: expectedPoints(date, 30),
  };
  const plan: ScanPlan = {
    csvPath: input,
    file: 'readings.csv',
    header: await readSmartMeterHeader(input, 'readings.csv'),
    grid,
  };
  const readings = path.join(out, 'meter_readings.parquet');
  const steps: ProfiledStep[] = [];
  const profiled = async (step: string, sql: string) => {
    const profile = path.join(scratch, `${steps.length}.json`);
    await connection.run(`PRAGMA enable_profiling = 'json'`);
    await connection.run(`PRAGMA profiling_output = '${profile}'`);
    const started = performance.now();
    await connection.run(sql);
    const seconds = (performance.now() - started) / 1000;
    await connection.run('PRAGMA disable_profiling');
    const times = new Map<string, number>();
    operatorTimes(JSON.parse(await readFile(profile, 'utf8')) as OperatorNode, times);
    const operators = [...times.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([operator, s]) => ({ operator, seconds: s }));
    steps.push({ step, seconds, operators });
  };
  await profiled('kept rows → Parquet (fields scan)', copyParquet(keptRowsQuery(plan, 'fields'), readings));
  const started = performance.now();
  const lines = await countDataLines(input);
  steps.push({
    step: 'line count (JavaScript, runs during the step above)',
    seconds: (performance.now() - started) / 1000,
    operators: [],
  });
  await profiled(
    'rejected rows → JSON lines (fields scan with line numbers)',
    copyJsonLines(rejectedRowsQuery(plan, 'fields', lines.blankLines ?? []), path.join(out, 'rejects.jsonl')),
  );
  await profiled(
    'per-meter metrics → Parquet',
    copyParquet(meterDailyQuery(readings, grid), path.join(out, 'meter_daily.parquet')),
  );
  printReport({ steps });
} finally {
  connection.closeSync();
  db.closeSync();
  await rm(scratch, { recursive: true, force: true });
}
