/**
 * eCO2mix quality checks on doctored copies of a real day that break one check each: the observed
 * value, the rows involved and the sample name what broke. A publication glitch (a column lagging
 * at an isolated point) only warns, listing the point. Every real day passing every check is
 * test/unit/quality-calibration.test.ts's.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eco2mixChecks } from '../../src/datasets/eco2mix/checks.js';
import { eco2mixConfig } from '../../src/datasets/eco2mix/dataset.js';
import { loadDemoExports } from '../../src/datasets/eco2mix/demo/sample-exports.js';
import { ECO2MIX_PARQUET_COLUMNS, ECO2MIX_TABLE, type Eco2mixRecord } from '../../src/datasets/eco2mix/record.js';
import type { Eco2mixSource } from '../../src/datasets/eco2mix/sources.js';
import { writeParquetRows } from '../../src/duckdb/write.js';
import { QualityCheckBrokenError, runChecks } from '../../src/quality/run-checks.js';
import { blockingChecks, warningChecks, type CheckResult } from '../../src/workflow-safe/quality.js';
import { ONE_THREAD, useScratchDuckDb } from '../support/scratch-duckdb.js';
import { useEco2mixReader } from '../support/eco2mix-read.js';

const eco2mix = useEco2mixReader('courant-eco2mix-checks-', ONE_THREAD);

const scratch = useScratchDuckDb('courant-eco2mix-checks-', ONE_THREAD);
const config = eco2mixConfig.read(eco2mixConfig.env.parse({}));
const KEY = 'processed/eco2mix/dt=D/eco2mix_national.parquet';
let written = 0;

async function check(date: string, records: readonly Eco2mixRecord[], accept: string[] = []): Promise<CheckResult[]> {
  written += 1;
  const file = path.join(scratch.dir, `${written}.parquet`);
  await writeParquetRows(scratch.connection, records, ECO2MIX_PARQUET_COLUMNS, file);
  return runChecks({
    checks: eco2mixChecks,
    date,
    config,
    db: scratch.connection,
    tables: { [ECO2MIX_TABLE]: { path: file, key: KEY } },
    previous: {},
    accept,
    rows: { read: records.length, written: records.length, rejected: 0 },
  });
}

/** The day's series as the transform writes it from the day's exports. */
async function transformed(date: string, exports: ReadonlyArray<readonly [Eco2mixSource, string]>) {
  return (await eco2mix.transform(date, exports)).records;
}

const failed = (results: readonly CheckResult[]) => results.filter((r) => !r.passed).map((r) => r.name);

const DAY = '2021-12-15';

/** The real-time day 2021-12-15 (96 points) as the transform keeps it. */
async function realDay(): Promise<Eco2mixRecord[]> {
  const exports = await loadDemoExports();
  return await transformed(DAY, [['realtime', exports['eco2mix-national-tr'] ?? '']]);
}

/** The day with `change` applied to the points whose UTC time of day is in [from, to). */
async function doctored(from: string, to: string, change: Partial<Eco2mixRecord>): Promise<Eco2mixRecord[]> {
  return (await realDay()).map((r) => {
    const time = r.instant.slice(11, 16);
    return time >= from && time < to ? { ...r, ...change } : r;
  });
}

describe('eCO2mix quality checks', () => {
  it('blocks a consumption point in kW instead of MW, naming the point', async () => {
    const results = await check(DAY, await doctored('12:00', '12:15', { consommation: 52_000_000 }));
    const range = results.find((r) => r.name === 'consumption_range');
    expect(range).toMatchObject({ passed: false, severity: 'block', observed: 1, rowsInvolved: 1, file: KEY });
    expect(range?.threshold).toBe('≤ 0 points outside 15000–110000 MW');
    expect(range?.sample).toEqual([{ instant: '2021-12-15 12:00:00+00', consommation: 52_000_000 }]);
  });

  it('blocks a day whose energy no longer balances (nuclear at zero for three points) and lists the points', async () => {
    const results = await check(DAY, await doctored('06:00', '06:45', { nucleaire: 0 }));
    expect(failed(results)).toEqual(['balance', 'balance_points']);
    const balance = results.find((r) => r.name === 'balance');
    expect(balance?.observed).toBeGreaterThan(0.01);
    expect(balance).toMatchObject({ severity: 'block', rowsInvolved: 3, threshold: '≤ 0.01 of the day’s consumption' });
    const points = results.find((r) => r.name === 'balance_points');
    expect(points).toMatchObject({ severity: 'warn', observed: 3, rowsInvolved: 3 });
    expect(points?.sample.map((p) => p['instant']).sort()).toEqual([
      '2021-12-15 06:00:00+00',
      '2021-12-15 06:15:00+00',
      '2021-12-15 06:30:00+00',
    ]);
    expect(points?.sample.map((p) => p['moved_column'])).toContain('nucleaire');
  });

  it('blocks a day whose nuclear column, or whose consumption, is empty, naming the column', async () => {
    const results = await check(DAY, await doctored('00:00', '24:00', { nucleaire: null }));
    expect(blockingChecks(results).map((r) => r.name)).toEqual(['balance', 'missing_column', 'sustained_imbalance']);
    const missing = results.find((r) => r.name === 'missing_column');
    expect(missing).toMatchObject({ observed: 24, rowsInvolved: 96 });
    expect(missing?.sample).toEqual([
      { column_name: 'nucleaire', first_at: '2021-12-14 23:00:00+00', last_at: '2021-12-15 22:45:00+00', points: 96 },
    ]);
    const noConsumption = await check(DAY, await doctored('00:00', '24:00', { consommation: null }));
    expect(noConsumption.find((r) => r.name === 'missing_column')).toMatchObject({ passed: false, observed: 24 });
    expect(noConsumption.find((r) => r.name === 'missing_column')?.sample[0]).toMatchObject({
      column_name: 'consommation',
      points: 96,
    });
  });

  it('only warns on a publication glitch: hydro, then gas, lagging at one quarter-hour each', async () => {
    const day = (await realDay()).map((r) => {
      const time = r.instant.slice(11, 16);
      if (time === '08:15') return { ...r, hydraulique: (r.hydraulique ?? 0) - 3_644 };
      if (time === '14:30') return { ...r, gaz: (r.gaz ?? 0) - 1_357 };
      return r;
    });
    const results = await check(DAY, day);
    expect(blockingChecks(results)).toEqual([]);
    const points = results.find((r) => r.name === 'balance_points');
    expect(points).toMatchObject({ passed: false, severity: 'warn', rowsInvolved: 2 });
    expect(points?.sample.map((p) => [p['instant'], p['moved_column']])).toEqual([
      ['2021-12-15 08:15:00+00', 'hydraulique'],
      ['2021-12-15 14:30:00+00', 'gaz'],
    ]);
  });

  it('blocks nuclear at zero over more than an hour of consecutive points as a sustained fault', async () => {
    const results = await check(DAY, await doctored('06:00', '07:30', { nucleaire: 0 }));
    expect(blockingChecks(results).map((r) => r.name)).toContain('sustained_imbalance');
    expect(results.find((r) => r.name === 'sustained_imbalance')).toMatchObject({ observed: 1.5, rowsInvolved: 6 });
  });

  it('only warns on an hour and a half 4 % under, the lagging column changing, and blocks four hours of it', async () => {
    const lagging = async (from: string, to: string) =>
      (await realDay()).map((r, i) => {
        const time = r.instant.slice(11, 16);
        if (time < from || time > to || r.consommation === null) return r;
        const column = i % 2 === 0 ? 'nucleaire' : 'hydraulique';
        return { ...r, [column]: (r[column] ?? 0) - 0.04 * r.consommation };
      });
    const provisional = await check(DAY, await lagging('12:00', '13:15'));
    expect(blockingChecks(provisional)).toEqual([]);
    expect(provisional.find((r) => r.name === 'balance_points')).toMatchObject({ passed: false, rowsInvolved: 6 });
    expect(provisional.find((r) => r.name === 'sustained_imbalance')).toMatchObject({ passed: true, observed: 0 });

    const wrong = await check(DAY, await lagging('10:00', '13:45'));
    expect(blockingChecks(wrong).map((r) => r.name)).toEqual(['sustained_imbalance']);
    const sustained = wrong.find((r) => r.name === 'sustained_imbalance');
    expect(sustained).toMatchObject({ observed: 4, rowsInvolved: 16 });
    expect(Number(sustained?.sample[0]?.['day_share'])).toBeGreaterThan(0.005);
  });

  it('blocks a day holding an instant twice', async () => {
    const day = await realDay();
    const first = day[0];
    if (!first) throw new Error('an empty day');
    const results = await check(DAY, [...day, { ...first, consommation: (first.consommation ?? 0) + 500 }]);
    expect(failed(results)).toEqual(['unique_instants']);
    expect(results.find((r) => r.name === 'unique_instants')?.sample).toEqual([
      { instant: '2021-12-14 23:00:00+00', rows: 2 },
    ]);
  });

  it('blocks a CO2 intensity out of range and a consumption frozen for two hours', async () => {
    expect(failed(await check(DAY, await doctored('03:00', '03:15', { taux_co2: 900 })))).toEqual(['co2_range']);
    const frozen = (await realDay()).map((r) =>
      r.instant.slice(11, 16) >= '08:00' && r.instant.slice(11, 16) <= '10:00'
        ? { ...r, consommation: 40_000, nucleaire: (r.nucleaire ?? 0) + 40_000 - (r.consommation ?? 0) }
        : r,
    );
    const results = await check(DAY, frozen);
    expect(failed(results)).toEqual(['stuck_consumption']);
    expect(results.find((r) => r.name === 'stuck_consumption')).toMatchObject({ observed: 2, rowsInvolved: 9 });
  });

  it('warns, without blocking, when a tenth of the points are missing', async () => {
    const results = await check(
      DAY,
      (await realDay()).filter((_, i) => i % 10 !== 3),
    );
    expect(blockingChecks(results)).toEqual([]);
    expect(warningChecks(results).map((r) => r.name)).toEqual(['completeness']);
    expect(results.find((r) => r.name === 'completeness')).toMatchObject({ observed: 0.8958, rowsInvolved: 10 });
  });

  it('lets an operator accept a failed block check by name, and only that one', async () => {
    const results = await check(DAY, await doctored('06:00', '06:45', { nucleaire: 0 }), ['balance', 'co2_range']);
    expect(blockingChecks(results)).toEqual([]);
    expect(results.filter((r) => r.accepted).map((r) => r.name)).toEqual(['balance']);
  });

  it('fails, naming the check, when its query cannot run', async () => {
    const file = path.join(scratch.dir, 'no-column.parquet');
    await scratch.connection.run(`COPY (SELECT 1 AS other) TO '${file}' (FORMAT parquet)`);
    const error = await runChecks({
      checks: eco2mixChecks,
      date: '2025-08-22',
      config,
      db: scratch.connection,
      tables: { [ECO2MIX_TABLE]: { path: file, key: KEY } },
      previous: {},
      accept: [],
      rows: { read: 1, written: 1, rejected: 0 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QualityCheckBrokenError);
    expect((error as Error).message).toMatch(/^quality check consumption_range: its query failed: SELECT/);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
