/**
 * The quality checks calibrated on real data, both ways: every check of every dataset runs over
 * every real day the project ships and blocks none (the false blocks per check are printed), and
 * faults injected into those real days are each blocked by a check. The real-time publication
 * glitch (one production column lagging at 1–8 isolated quarter-hours, random but seeded) and its
 * longer form (an hour and a half 3–5 % under, the lagging column changing from point to point, each
 * such day counted with the real days) block nothing and are listed by `balance_points`. The rates printed at the end are those of
 * docs/quality-calibration.md.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { QualityCheck } from '../../src/datasets/capabilities/quality-checks.js';
import { eco2mixChecks } from '../../src/datasets/eco2mix/checks.js';
import { eco2mixConfig, type Eco2mixConfig } from '../../src/datasets/eco2mix/dataset.js';
import { ECO2MIX_PARQUET_COLUMNS, ECO2MIX_TABLE, type Eco2mixRecord } from '../../src/datasets/eco2mix/record.js';
import { enedisChecks } from '../../src/datasets/enedis/checks.js';
import { modulesWith } from '../../src/datasets/modules.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { smartMeterChecks } from '../../src/datasets/smartmeter/checks.js';
import { writeParquetRows } from '../../src/duckdb/write.js';
import { runChecks, type DayToCheck } from '../../src/quality/run-checks.js';
import { runChecksOverDays } from '../../src/quality/checks-over-days.js';
import { blockingChecks, type CheckResult } from '../../src/workflow-safe/quality.js';
import { ECO2MIX_FAULTS, glitchPlan, stretchPlan, withGlitches } from '../support/eco2mix-data-faults.js';
import { useEco2mixReader } from '../support/eco2mix-read.js';
import {
  ENEDIS_CONFIG,
  enedisIndexDown,
  realEco2mixDays,
  realEnedisDays,
  realSmartMeterDays,
  SMARTMETER_CONFIG,
  type ModuleTables,
  type RealEco2mixDay,
} from '../support/real-days.js';
import { ONE_THREAD, useScratchDuckDb } from '../support/scratch-duckdb.js';

const eco2mix = useEco2mixReader('courant-calibration-read-', ONE_THREAD);
const scratch = useScratchDuckDb('courant-calibration-', ONE_THREAD);
const eco2mixConfigValue = eco2mixConfig.read(eco2mixConfig.env.parse({}));

let written = 0;
async function eco2mixDayToCheck(date: string, records: readonly Eco2mixRecord[]): Promise<DayToCheck<Eco2mixConfig>> {
  written += 1;
  const file = path.join(scratch.dir, `eco2mix-${written}.parquet`);
  await writeParquetRows(scratch.connection, records, ECO2MIX_PARQUET_COLUMNS, file);
  return {
    date,
    tables: { [ECO2MIX_TABLE]: { path: file, key: `processed/eco2mix/dt=${date}/${ECO2MIX_TABLE}.parquet` } },
    previous: {},
    accept: [],
    rows: { read: records.length, written: records.length, rejected: 0 },
  };
}

/**
 * The eCO2mix checks' results for each of `days` (each alone, no day before), in order: asked of
 * many days at once as a range asks them (runChecksOverDays, whose results are each day's own:
 * test/unit/checks-over-days.test.ts), days of the same date in separate passes.
 */
async function checkEco2mixDays(
  days: ReadonlyArray<{ readonly date: string; readonly records: readonly Eco2mixRecord[] }>,
): Promise<CheckResult[][]> {
  const results: CheckResult[][] = [];
  let pass: Array<DayToCheck<Eco2mixConfig>> = [];
  const flush = async () => {
    const found = await runChecksOverDays({
      checks: eco2mixChecks,
      config: eco2mixConfigValue,
      db: scratch.connection,
      days: pass,
    });
    for (const day of pass) {
      const one = found.get(day.date);
      if (!one) throw new Error(`no results for ${day.date}`);
      results.push(one);
    }
    pass = [];
  };
  for (const day of days) {
    if (pass.some((d) => d.date === day.date)) await flush();
    pass.push(await eco2mixDayToCheck(day.date, day.records));
  }
  if (pass.length > 0) await flush();
  return results;
}

async function checkModuleDay<TConfig>(
  checks: readonly QualityCheck<TConfig>[],
  config: TConfig,
  day: ModuleTables,
  before: ModuleTables | undefined,
): Promise<CheckResult[]> {
  const previous = Object.fromEntries(Object.entries(before?.tables ?? {}).map(([name, t]) => [name, t.path]));
  return runChecks({
    checks,
    date: day.date,
    config,
    db: scratch.connection,
    tables: day.tables,
    previous,
    accept: [],
    rows: day.rows,
  });
}

/** What the harness measured for a dataset: real days and the block checks failed on each, faults and whether blocked. */
interface Measured {
  readonly checks: readonly QualityCheck<never>[];
  readonly days: Array<{ readonly label: string; readonly blocked: readonly string[] }>;
  readonly faults: Array<{ readonly fault: string; readonly label: string; readonly blocked: readonly string[] }>;
}
const measured = new Map<string, Measured>();
const measure = (dataset: string, checks: readonly QualityCheck<never>[]): Measured => {
  const entry = measured.get(dataset) ?? { checks, days: [], faults: [] };
  measured.set(dataset, entry);
  return entry;
};
const blockedBy = (results: readonly CheckResult[]) => blockingChecks(results).map((r) => r.name);
const failedChecks = (results: readonly CheckResult[]) => results.filter((r) => !r.passed).map((r) => r.name);

let eco2mixDays: RealEco2mixDay[] = [];
async function eco2mixRealDays(): Promise<RealEco2mixDay[]> {
  if (eco2mixDays.length === 0) eco2mixDays = await realEco2mixDays(eco2mix);
  return eco2mixDays;
}

describe('every real day the project ships passes every block check', () => {
  it('eCO2mix: 31 days of December 2021, the 25 of June 2016 in RTE’s file, 2025-08-22, the 2 days of the consolidated excerpt; partial real-time days only warned', async () => {
    const m = measure('eco2mix', eco2mixChecks);
    const days = await eco2mixRealDays();
    expect(days).toHaveLength(59);
    const checked = await checkEco2mixDays(days);
    for (const [i, day] of days.entries()) {
      const results = checked[i] ?? [];
      m.days.push({ label: `${day.source} ${day.date}`, blocked: blockedBy(results) });
      expect(blockedBy(results), `${day.source} ${day.date}`).toEqual([]);
      // Nor does any warn on a real-time day, but completeness on the two partial ones: RTE's last
      // day of June 2016 and the sample's UTC day (88 of the Paris day's 96 points).
      const partial = day.date === '2016-06-25' || day.date === '2025-08-22';
      if (day.realtime)
        expect(failedChecks(results), `${day.source} ${day.date}`).toEqual(partial ? ['completeness'] : []);
    }
    const sample = checked[days.findIndex((day) => day.date === '2025-08-22')] ?? [];
    expect(sample.find((r) => r.name === 'completeness')).toMatchObject({ observed: 0.9167, rowsInvolved: 8 });
  });

  it('smart meters: the 105 days of the Kaggle file, each against the day before', async () => {
    const m = measure('smartmeter', smartMeterChecks);
    const days = await realSmartMeterDays(scratch);
    expect(days).toHaveLength(105);
    for (const [i, day] of days.entries()) {
      const results = await checkModuleDay(smartMeterChecks, SMARTMETER_CONFIG, day, days[i - 1]);
      m.days.push({ label: day.date, blocked: blockedBy(results) });
      expect(blockedBy(results), day.date).toEqual([]);
    }
  });

  it('Enedis: the R151 sample’s day and the C15 sample’s day', async () => {
    const m = measure('enedis', enedisChecks);
    for (const day of await realEnedisDays(scratch)) {
      const results = await checkModuleDay(enedisChecks, ENEDIS_CONFIG, day, undefined);
      m.days.push({ label: day.date, blocked: blockedBy(results) });
      expect(blockedBy(results), day.date).toEqual([]);
    }
  });

  it('cityflow datasets have no quality checks to calibrate', () => {
    const withChecks = modulesWith(DATASET_MODULES, 'quality-checks')
      .filter((m) => m.capability.checks.length > 0)
      .map((m) => m.dataset.name);
    expect(withChecks).toEqual(['eco2mix', 'smartmeter', 'enedis']);
  });
});

describe('faults injected into real days are blocked', () => {
  for (const fault of ECO2MIX_FAULTS) {
    it(`eCO2mix: ${fault.name}, on every real-time day`, async () => {
      const m = measure('eco2mix', eco2mixChecks);
      const days = (await eco2mixRealDays()).filter((d) => d.realtime);
      expect(days).toHaveLength(57);
      const injected = days.map((day) => fault.apply(day.records, `${fault.name}:${day.date}`));
      const checked = await checkEco2mixDays(
        days.map((day, i) => ({ date: day.date, records: injected[i]?.day ?? [] })),
      );
      for (const [i, day] of days.entries()) {
        const label = `${day.source} ${day.date}`;
        const blocked = blockedBy(checked[i] ?? []);
        m.faults.push({ fault: fault.name, label, blocked });
        expect(blocked, `${label} ${injected[i]?.detail}`).not.toEqual([]);
      }
    });
  }

  it('Enedis: an index going down by 1 kWh, then by 5 000 kWh, from the real R151 to the day after', async () => {
    const m = measure('enedis', enedisChecks);
    for (const wh of [1_000, 5_000_000]) {
      const { before, day } = await enedisIndexDown(scratch, wh);
      const results = await checkModuleDay(enedisChecks, ENEDIS_CONFIG, day, before);
      m.faults.push({ fault: 'an index going down', label: `${wh} Wh`, blocked: blockedBy(results) });
      expect(blockedBy(results)).toEqual(['index_decreasing']);
    }
  });
});

describe('the real-time publication glitch warns and never blocks', () => {
  it('lists, on every real-time day, the 1–8 points where one production column lags', async () => {
    let glitches = 0;
    const days = (await eco2mixRealDays()).filter((d) => d.realtime);
    const plans = days.map((day) => glitchPlan(day.records, `glitch:${day.date}`));
    const checked = await checkEco2mixDays(
      days.map((day, i) => ({ date: day.date, records: withGlitches(day.records, plans[i] ?? []) })),
    );
    for (const [i, day] of days.entries()) {
      glitched.days += 1;
      const plan = plans[i] ?? [];
      glitches += plan.length;
      const results = checked[i] ?? [];
      const label = `${day.source} ${day.date}`;
      if (blockedBy(results).length > 0) glitched.blocked += 1;
      expect(blockedBy(results), label).toEqual([]);
      const warned = results.find((r) => r.name === 'balance_points');
      if (warned?.passed === false) glitched.warned += 1;
      glitched.worstBalance = Math.max(glitched.worstBalance, results.find((r) => r.name === 'balance')?.observed ?? 0);
      expect(warned, label).toMatchObject({ passed: false, severity: 'warn', rowsInvolved: plan.length });
      const planned = new Map(plan.map((g) => [new Date(g.instant).getTime(), g.column]));
      for (const point of warned?.sample ?? []) {
        const at = Date.parse(String(point['instant']).replace(' ', 'T').replace(/\+00$/, 'Z'));
        expect(planned.get(at), `${label} ${String(point['instant'])}`).toBe(point['moved_column']);
      }
    }
    expect(glitches).toBeGreaterThan(100);
    glitched.points = glitches;
  });

  it('lets through, on every real-time day, an hour and a half 3–5 % under with one column at a time lagging', async () => {
    const m = measure('eco2mix', eco2mixChecks);
    const days = (await eco2mixRealDays()).filter((d) => d.realtime);
    const plans = days.map((day) => stretchPlan(day.records, `stretch:${day.date}`));
    const checked = await checkEco2mixDays(
      days.map((day, i) => ({ date: day.date, records: withGlitches(day.records, plans[i] ?? []) })),
    );
    for (const [i, day] of days.entries()) {
      stretched.days += 1;
      const plan = plans[i] ?? [];
      stretched.points += plan.length;
      const results = checked[i] ?? [];
      const label = `${day.source} ${day.date} (stretch)`;
      m.days.push({ label, blocked: blockedBy(results) });
      if (blockedBy(results).length > 0) stretched.blocked += 1;
      expect(blockedBy(results), label).toEqual([]);
      const warned = results.find((r) => r.name === 'balance_points');
      if (warned?.passed === false) stretched.warned += 1;
      expect(warned, label).toMatchObject({ passed: false, rowsInvolved: plan.length });
      stretched.worstBalance = Math.max(
        stretched.worstBalance,
        results.find((r) => r.name === 'balance')?.observed ?? 0,
      );
      expect(new Set(plan.map((g) => g.column)).size, label).toBeGreaterThan(1);
    }
  });
});

const glitched = { days: 0, points: 0, blocked: 0, warned: 0, worstBalance: 0 };
const stretched = { days: 0, points: 0, blocked: 0, warned: 0, worstBalance: 0 };
afterAll(printTable);

/** The measured rates per dataset and the false blocks per check, as docs/quality-calibration.md shows them. */
function printTable(): void {
  const lines = [
    '| dataset | real days | days blocked | false-block rate | faults injected | faults blocked | detection rate |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const perCheck = [
    '| dataset | check | severity | real days it blocks | injected faults it blocks |',
    '|---|---|---|---:|---:|',
  ];
  const rate = (n: number, of: number) => (of === 0 ? '—' : `${((100 * n) / of).toFixed(1)} %`);
  for (const [dataset, m] of measured) {
    const falseBlocks = m.days.filter((d) => d.blocked.length > 0).length;
    const caught = m.faults.filter((f) => f.blocked.length > 0).length;
    lines.push(
      `| ${dataset} | ${m.days.length} | ${falseBlocks} | ${rate(falseBlocks, m.days.length)} | ${m.faults.length} | ${caught} | ${rate(caught, m.faults.length)} |`,
    );
    for (const check of m.checks) {
      const days = m.days.filter((d) => d.blocked.includes(check.name)).length;
      const faults = m.faults.filter((f) => f.blocked.includes(check.name)).length;
      perCheck.push(`| ${dataset} | ${check.name} | ${check.severity} | ${days} | ${faults} |`);
    }
  }
  const faults = ['| fault | injected | blocked | blocked by |', '|---|---:|---:|---|'];
  for (const [dataset, m] of measured) {
    for (const name of new Set(m.faults.map((f) => f.fault))) {
      const runs = m.faults.filter((f) => f.fault === name);
      const by = new Map<string, number>();
      for (const run of runs) for (const check of run.blocked) by.set(check, (by.get(check) ?? 0) + 1);
      faults.push(
        `| ${dataset}: ${name} | ${runs.length} | ${runs.filter((r) => r.blocked.length > 0).length} | ${[...by].map(([c, n]) => `${c} ${n}`).join(', ')} |`,
      );
    }
  }
  const glitch = [
    '| real-time days with glitches | glitch points | days blocked | days warned by balance_points | largest day imbalance (`balance`, limit 0.01) |',
    '|---:|---:|---:|---:|---:|',
    `| ${glitched.days} | ${glitched.points} | ${glitched.blocked} | ${glitched.warned} | ${glitched.worstBalance} |`,
    '',
    '| real-time days with a 1.5 h stretch 3–5 % under | stretch points | days blocked | days warned by balance_points | largest day imbalance (`balance`, limit 0.01) |',
    '|---:|---:|---:|---:|---:|',
    `| ${stretched.days} | ${stretched.points} | ${stretched.blocked} | ${stretched.warned} | ${stretched.worstBalance} |`,
  ];
  process.stdout.write(
    `\n${lines.join('\n')}\n\n${faults.join('\n')}\n\n${glitch.join('\n')}\n\n${perCheck.join('\n')}\n`,
  );
}
