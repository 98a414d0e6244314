/**
 * Smart-meter quality checks on real DuckDB over the module's own Parquet: a clean day passes every
 * check; doctored files (a repeated reading, rows running back in time, a meter with gaps, a meter
 * at zero, rejected rows, a meter gone silent since the day before) each fail the one check that
 * guards it, as a warning.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { describe, expect, it } from 'vitest';
import type { DayFile } from '../../src/datasets/inputs.js';
import { smartMeterChecks } from '../../src/datasets/smartmeter/checks.js';
import { transformSmartMeterFiles } from '../../src/datasets/smartmeter/day-transform.js';
import { runChecks } from '../../src/quality/run-checks.js';
import { parisDayBounds } from '../../src/workflow-safe/partition.js';
import { blockingChecks, type CheckResult } from '../../src/workflow-safe/quality.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-smartmeter-checks-');
const config = { stepMinutes: 30, dueHours: null };
const DATE = '2024-05-02';
let written = 0;

const DAY_BEFORE = '2024-05-01';

/** The half-hours of the Paris day as UTC ISO instants. */
function halfHours(date = DATE): string[] {
  const { start, end } = parisDayBounds(date);
  const out: string[] = [];
  for (let at = start.getTime(); at < end.getTime(); at += 30 * 60_000) out.push(new Date(at).toISOString());
  return out;
}

/** A generic file of `lines` (without header) transformed as the day `date`: local path and key of each table. */
async function transformFile(date: string, lines: readonly string[]) {
  written += 1;
  const dir = await mkdtemp(path.join(scratch.dir, 'day-'));
  const file = path.join(dir, 'in.csv');
  await writeFile(file, ['meter_id,timestamp,kwh', ...lines].join('\n') + '\n');
  const dayFile: DayFile = {
    source: 'drop',
    key: `raw/smartmeter/dt=${date}/drop-${written}.csv`,
    path: file,
    sha256: await sha256OfFile(file),
    order: 0,
    options: {},
  };
  const tablePath = (table: string) => path.join(dir, `${table}.parquet`);
  const out = await transformSmartMeterFiles({
    date,
    config,
    db: scratch.connection,
    files: [dayFile],
    tablePath,
    rejectsPath: path.join(dir, 'rejects.jsonl'),
    scratchDir: dir,
  });
  const tables = Object.fromEntries(
    out.tables.map((t) => [t, { path: tablePath(t), key: `processed/smartmeter/dt=${date}/${t}.parquet` }]),
  );
  return { tables, rows: out.rows };
}

/** The day's `lines` transformed then checked; `dayBefore`: the lines of the day before, when it was run. */
async function checkFile(lines: readonly string[], dayBefore?: readonly string[]): Promise<CheckResult[]> {
  const day = await transformFile(DATE, lines);
  const before = dayBefore ? (await transformFile(DAY_BEFORE, dayBefore)).tables : {};
  return runChecks({
    checks: smartMeterChecks,
    date: DATE,
    config,
    db: scratch.connection,
    tables: day.tables,
    previous: Object.fromEntries(Object.entries(before).map(([name, table]) => [name, table.path])),
    accept: [],
    rows: day.rows,
  });
}

const failed = (results: readonly CheckResult[]) => results.filter((r) => !r.passed).map((r) => r.name);
const meterDay = (meter: string, kwh = (i: number) => 0.2 + (i % 7) / 10, date = DATE) =>
  halfHours(date).map((at, i) => `${meter},${at},${kwh(i).toFixed(2)}`);

describe('smart-meter quality checks', () => {
  it('pass on a clean day of two meters, alone or after a day of the same meters', async () => {
    expect(failed(await checkFile([...meterDay('m1'), ...meterDay('m2')]))).toEqual([]);
    const before = [...meterDay('m1', undefined, DAY_BEFORE), ...meterDay('m2', undefined, DAY_BEFORE)];
    expect(failed(await checkFile([...meterDay('m1'), ...meterDay('m2')], before))).toEqual([]);
  });

  it('warn on a meter that reported the day before and is silent today, naming it', async () => {
    const before = [...meterDay('m1', undefined, DAY_BEFORE), ...meterDay('m2', undefined, DAY_BEFORE)];
    const results = await checkFile(meterDay('m1'), before);
    expect(failed(results)).toEqual(['silent_meters']);
    expect(results.find((r) => r.name === 'silent_meters')).toMatchObject({
      severity: 'warn',
      observed: 1,
      rowsInvolved: 1,
      sample: [{ meter_id: 'm2', readings_day_before: 48 }],
    });
  });

  it('warn on a reading delivered twice, naming the meter', async () => {
    const lines = meterDay('m1');
    const results = await checkFile([...lines.slice(0, 11), lines[10] ?? '', ...lines.slice(11)]);
    expect(failed(results)).toEqual(['duplicate_readings']);
    expect(results.find((r) => r.name === 'duplicate_readings')).toMatchObject({
      severity: 'warn',
      observed: 1,
      sample: [{ meter_id: 'm1', duplicates: 1 }],
    });
    expect(blockingChecks(results)).toEqual([]);
  });

  it('warn on rows running back in time within a file', async () => {
    const lines = meterDay('m1');
    const swapped = [...lines.slice(0, 20), lines[21] ?? '', lines[20] ?? '', ...lines.slice(22)];
    const results = await checkFile(swapped);
    expect(failed(results)).toEqual(['time_order']);
    expect(results.find((r) => r.name === 'time_order')?.sample).toEqual([
      expect.objectContaining({ meter_id: 'm1', line: 23 }),
    ]);
  });

  it('warn on a meter with a quarter of its readings missing, and on a meter at zero all day', async () => {
    const gaps = await checkFile([...meterDay('m1'), ...meterDay('m2').filter((_, i) => i % 4 !== 0)]);
    expect(failed(gaps)).toEqual(['meter_gaps']);
    expect(gaps.find((r) => r.name === 'meter_gaps')).toMatchObject({ observed: 0.75, rowsInvolved: 1 });
    expect(failed(await checkFile([...meterDay('m1'), ...meterDay('m0', () => 0)]))).toEqual(['zero_day']);
  });

  it('warn when more than 1 % of the rows are rejected', async () => {
    const results = await checkFile([...meterDay('m1'), 'm1,not-a-time,1', 'm1,2024-05-02T10:00:00Z,-3']);
    expect(failed(results)).toEqual(['rejected_rows']);
    expect(results.find((r) => r.name === 'rejected_rows')).toMatchObject({ observed: 0.04, rowsInvolved: 2 });
  });
});
