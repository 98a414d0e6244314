/**
 * A range's checks in one pass (runChecksOverDays) give each day what its own run of the checks
 * gives (runChecks): real eCO2mix days, passing and doctored to fail with a sample; a day of 23
 * hours; a check reading the day before, itself a day of the range; a query that fails on one day;
 * a result two checks share.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QualityCheck, QualityContext } from '../../src/datasets/capabilities/quality-checks.js';
import { eco2mixChecks } from '../../src/datasets/eco2mix/checks.js';
import { eco2mixConfig } from '../../src/datasets/eco2mix/dataset.js';
import { loadDemoExports } from '../../src/datasets/eco2mix/demo/sample-exports.js';
import { ECO2MIX_PARQUET_COLUMNS, ECO2MIX_TABLE, type Eco2mixRecord } from '../../src/datasets/eco2mix/record.js';
import { writeParquetRows } from '../../src/duckdb/write.js';
import { runChecksOverDays } from '../../src/quality/checks-over-days.js';
import { QualityCheckBrokenError, runChecks, type DayToCheck } from '../../src/quality/run-checks.js';
import { datesInRange, previousDate } from '../../src/workflow-safe/partition.js';
import { useEco2mixReader } from '../support/eco2mix-read.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const eco2mix = useEco2mixReader('courant-checks-over-days-');
const scratch = useScratchDuckDb('courant-checks-over-days-');
const rows = (n: number) => ({ read: n, written: n, rejected: 0 });

/** Each day alone, then all of them in one pass: the two must agree, day by day. */
/** The path of a day's table `counts`. */
const files = (day: DayToCheck<null> | undefined) => day?.tables.counts?.path ?? '';

async function bothWays<TConfig>(
  checks: readonly QualityCheck<TConfig>[],
  config: TConfig,
  days: DayToCheck<TConfig>[],
) {
  const alone = new Map<string, unknown>();
  for (const day of days) alone.set(day.date, await runChecks({ ...day, checks, config, db: scratch.connection }));
  const together = await runChecksOverDays({ checks, config, db: scratch.connection, days });
  return { alone, together };
}

describe('the checks of a range in one pass', () => {
  it('give every real eCO2mix day, passing or failing, the results of its own run, samples included', async () => {
    const december = (await loadDemoExports())['eco2mix-national-tr'] ?? '';
    const config = eco2mixConfig.read(eco2mixConfig.env.parse({}));
    const days: DayToCheck<typeof config>[] = [];
    for (const date of datesInRange('2021-12-10', '2021-12-21')) {
      let records: Eco2mixRecord[] = (await eco2mix.transform(date, [['realtime', december]])).records;
      // Doctored: a frozen, then an out-of-range consumption (blocking, with samples); a lagging point (a warning).
      if (date === '2021-12-12')
        records = records.map((r, i) => (i >= 20 && i < 30 ? { ...r, consommation: 60_000 } : r));
      if (date === '2021-12-15') records = records.map((r, i) => (i === 40 ? { ...r, consommation: 9_000 } : r));
      if (date === '2021-12-18')
        records = records.map((r, i) => (i === 50 ? { ...r, nucleaire: (r.nucleaire ?? 0) * 0.9 } : r));
      const file = path.join(scratch.dir, `eco2mix-${date}.parquet`);
      await writeParquetRows(scratch.connection, records, ECO2MIX_PARQUET_COLUMNS, file);
      const key = `processed/eco2mix/dt=${date}/${ECO2MIX_TABLE}.parquet`;
      days.push({
        date,
        tables: { [ECO2MIX_TABLE]: { path: file, key } },
        previous: {},
        accept: [],
        rows: rows(records.length),
      });
    }
    const { alone, together } = await bothWays(eco2mixChecks, config, days);
    expect(Object.fromEntries(together)).toEqual(Object.fromEntries(alone));
    const failedOn = (date: string) => (together.get(date) ?? []).filter((c) => !c.passed).map((c) => c.name);
    expect(failedOn('2021-12-12')).toContain('stuck_consumption');
    expect(failedOn('2021-12-15')).toContain('consumption_range');
    expect(failedOn('2021-12-18')).toContain('balance_points');
    expect(together.get('2021-12-15')?.find((c) => c.name === 'consumption_range')?.sample).toHaveLength(1);
    expect(failedOn('2021-12-11')).toEqual([]);
  });

  const TABLE = 'counts';
  const synthetic: QualityCheck<null>[] = [
    {
      name: 'day_hours',
      description: 'the hours of the day',
      severity: 'warn',
      limit: { max: 24 },
      table: TABLE,
      observe: (c) => `SELECT ${c.hours} AS observed, 0 AS involved`,
    },
    {
      name: 'growth',
      description: 'the day against the day before',
      severity: 'block',
      limit: { max: 1.5 },
      table: TABLE,
      previousDay: TABLE,
      observe: (c) => {
        const before = c.previous(TABLE);
        return before === null
          ? 'SELECT NULL::DOUBLE AS observed, 0 AS involved'
          : `SELECT (SELECT sum(v) FROM ${c.table(TABLE)}) / (SELECT sum(v) FROM ${before})::DOUBLE AS observed, 0 AS involved`;
      },
      offending: (c) => `SELECT v FROM ${c.table(TABLE)} ORDER BY v DESC`,
    },
  ];

  async function countsDay(date: string, values: readonly number[]): Promise<string> {
    const file = path.join(scratch.dir, `counts-${date}.parquet`);
    await scratch.connection.run(`COPY (SELECT unnest([${values.join(', ')}]) AS v) TO '${file}' (FORMAT parquet)`);
    return file;
  }

  it('read the day before from the range itself (none stored before the first), and each day its own length (23 hours on 30 March 2025)', async () => {
    // 28 March has no day before stored: its growth observes nothing, asked apart from the others.
    const dates = datesInRange('2025-03-28', '2025-03-31');
    const values: Record<string, number[]> = {
      '2025-03-28': [1, 2],
      '2025-03-29': [2, 2],
      '2025-03-30': [2, 8],
      '2025-03-31': [5, 5, 1],
    };
    const files = new Map<string, string>();
    for (const date of dates) files.set(date, await countsDay(date, values[date] ?? []));
    const days = dates.map((date) => ({
      date,
      tables: { [TABLE]: { path: files.get(date) ?? '', key: `processed/counts/dt=${date}/${TABLE}.parquet` } },
      previous: Object.fromEntries(files.has(previousDate(date)) ? [[TABLE, files.get(previousDate(date)) ?? '']] : []),
      accept: [],
      rows: rows((values[date] ?? []).length),
    }));
    const { alone, together } = await bothWays(synthetic, null, days);
    expect(Object.fromEntries(together)).toEqual(Object.fromEntries(alone));
    const observed = (date: string, name: string) => together.get(date)?.find((c) => c.name === name)?.observed;
    expect(dates.map((date) => observed(date, 'day_hours'))).toEqual([24, 24, 23, 24]);
    expect(dates.map((date) => observed(date, 'growth'))).toEqual([null, 4 / 3, 10 / 4, 11 / 10]);
    expect(together.get('2025-03-30')?.find((c) => c.name === 'growth')).toMatchObject({
      passed: false,
      sample: [{ v: 8 }, { v: 2 }],
    });
  });

  it('read a table no check was seen to name from the day’s file, as a day alone does', async () => {
    const OTHER = 'other';
    const fallback: QualityCheck<null> = {
      name: 'without_day_before',
      description: 'another table read when there is no day before',
      severity: 'warn',
      limit: { max: 100 },
      table: TABLE,
      previousDay: TABLE,
      observe: (c) =>
        c.previous(TABLE) === null
          ? `SELECT sum(v) AS observed, 0 AS involved FROM ${c.table(OTHER)}`
          : `SELECT sum(v) AS observed, 0 AS involved FROM ${c.table(TABLE)}`,
    };
    const dates = ['2025-02-01', '2025-02-02'];
    const days: DayToCheck<null>[] = [];
    for (const [index, date] of dates.entries()) {
      const counts = await countsDay(date, [index + 1]);
      const other = await countsDay(`${date}-other`, [10 * (index + 1)]);
      days.push({
        date,
        tables: { [TABLE]: { path: counts, key: counts }, [OTHER]: { path: other, key: other } },
        previous: index === 0 ? {} : { [TABLE]: files(days[0]) },
        accept: [],
        rows: rows(1),
      });
    }
    const { alone, together } = await bothWays([fallback], null, days);
    expect(Object.fromEntries(together)).toEqual(Object.fromEntries(alone));
    expect(dates.map((date) => together.get(date)?.[0]?.observed)).toEqual([10, 2]);
  });

  it('name the check and the day whose query cannot run, as that day alone would', async () => {
    const broken: QualityCheck<null> = {
      name: 'as_number',
      description: 'a text read as a number',
      severity: 'block',
      limit: { max: 0 },
      table: TABLE,
      observe: (c) => `SELECT CAST(s AS INTEGER) AS observed, 0 AS involved FROM ${c.table(TABLE)}`,
    };
    const days: DayToCheck<null>[] = [];
    for (const [date, text] of [
      ['2025-01-01', '1'],
      ['2025-01-02', 'x'],
      ['2025-01-03', '3'],
    ] as const) {
      const file = path.join(scratch.dir, `text-${date}.parquet`);
      await scratch.connection.run(`COPY (SELECT '${text}' AS s) TO '${file}' (FORMAT parquet)`);
      days.push({ date, tables: { [TABLE]: { path: file, key: file } }, previous: {}, accept: [], rows: rows(1) });
    }
    const alone = await runChecks({ ...days[1]!, checks: [broken], config: null, db: scratch.connection }).catch(
      (e: unknown) => e,
    );
    const together = await runChecksOverDays({ checks: [broken], config: null, db: scratch.connection, days }).catch(
      (e: unknown) => e,
    );
    expect(alone).toBeInstanceOf(QualityCheckBrokenError);
    expect(together).toBeInstanceOf(QualityCheckBrokenError);
    const [named, sql] = (together as Error).message.split(': its query failed: ');
    expect(`${named}: its query failed: `).toBe((alone as Error).message.split(/(?<=its query failed: )/)[0]);
    // The day's own query, its table narrowed to the failing day.
    expect(sql).toContain("check_day = '2025-01-02'");
  });

  it('compute a result two checks share once a day, gone after, and give each check what its own subquery gives', async () => {
    await scratch.connection.run('CREATE OR REPLACE SEQUENCE shared_reads');
    const large = (c: QualityContext<null>) =>
      c.shared('large', `SELECT v, nextval('shared_reads') AS read FROM ${c.table(TABLE)} WHERE v > 2`);
    const sharing: QualityCheck<null>[] = ['large_count', 'large_sum'].map((name) => ({
      name,
      description: 'the large values',
      severity: 'warn',
      limit: { max: 0 },
      table: TABLE,
      observe: (c) =>
        `SELECT ${name === 'large_count' ? 'count(*)' : 'sum(v)'} AS observed, count(*) AS involved FROM ${large(c)}`,
      offending: (c) => `SELECT v FROM ${large(c)} ORDER BY v DESC`,
    }));
    const days: DayToCheck<null>[] = [];
    for (const [index, date] of datesInRange('2025-02-01', '2025-02-02').entries()) {
      const file = await countsDay(`shared-${date}`, [1, 3, 5 + index]);
      days.push({ date, tables: { [TABLE]: { path: file, key: file } }, previous: {}, accept: [], rows: rows(3) });
    }
    const first = await runChecks({ ...days[0]!, checks: sharing, config: null, db: scratch.connection });
    // Two values over 2, read once for the two checks and their samples.
    const reads = await scratch.connection.runAndReadAll(`SELECT currval('shared_reads')`);
    expect(Number(reads.getRows()[0]?.[0])).toBe(2);
    expect(first.map((c) => [c.name, c.observed, c.sample])).toEqual([
      ['large_count', 2, [{ v: 5 }, { v: 3 }]],
      ['large_sum', 8, [{ v: 5 }, { v: 3 }]],
    ]);
    const left = await scratch.connection.runAndReadAll(
      `SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'quality_shared_%'`,
    );
    expect(Number(left.getRows()[0]?.[0])).toBe(0);
    const { alone, together } = await bothWays(sharing, null, days);
    expect(Object.fromEntries(together)).toEqual(Object.fromEntries(alone));

    const conflicting = [
      sharing[0]!,
      {
        ...sharing[1]!,
        observe: (c: QualityContext<null>) =>
          `SELECT 0 AS observed, 0 AS involved FROM ${c.shared('large', 'SELECT 1')}`,
      },
    ];
    await expect(runChecks({ ...days[0]!, checks: conflicting, config: null, db: scratch.connection })).rejects.toThrow(
      QualityCheckBrokenError,
    );
  });
});
