/**
 * Figures of many Paris days of eCO2mix, computed by DuckDB straight from the days' Parquet
 * partitions: per day with the definitions of docs/architecture.md#metrics-documents (a point is
 * an instant with a consumption value; energies are Σ MW × step over the points), then rolled up
 * per month and over the whole period — energies summed, peak the highest daily peak (first
 * occurrence), means over all points.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../duckdb/columns.js';
import { PRODUCTION_SOURCES, type ProductionSource } from './labels.js';

const LOW_CARBON: readonly ProductionSource[] = ['nucleaire', 'eolien', 'solaire', 'hydraulique', 'bioenergies'];

export interface DayPartition {
  readonly date: string;
  /** Local path of the day's Parquet file. */
  readonly path: string;
  /** 23, 24 or 25. */
  readonly hours: number;
}

/** Figures of a day or of a group of days; null where no point carries what a figure needs. */
export interface Figures {
  /** Days with at least one point. */
  readonly days: number;
  readonly points: number;
  /** Σ of the expected points of the days with points. */
  readonly expectedPoints: number;
  readonly consumption: {
    readonly energyMWh: number | null;
    readonly peakMW: number | null;
    readonly peakAt: string | null;
    readonly minMW: number | null;
    readonly minAt: string | null;
    readonly meanMW: number | null;
  };
  readonly production: {
    readonly totalMWh: number | null;
    readonly bySourceMWh: Readonly<Record<ProductionSource, number | null>>;
    readonly lowCarbonSharePct: number | null;
  };
  readonly exchanges: { readonly netImportMWh: number | null };
  readonly co2: { readonly meanIntensityGPerKWh: number | null };
  readonly forecast: { readonly dayAheadMAPEPct: number | null };
}

export interface PeriodFigures {
  /** Per day (`YYYY-MM-DD`), only days with points. */
  readonly byDay: ReadonlyMap<string, Figures>;
  /** Per month (`YYYY-MM`), only months with points. */
  readonly byMonth: ReadonlyMap<string, Figures>;
  /** All the days together; null when no day has points. */
  readonly total: Figures | null;
}

type Row = Record<string, unknown>;

const num = (row: Row, column: string): number | null => {
  const value = row[column];
  return typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : null;
};

const iso = (row: Row, column: string): string | null => {
  const value = num(row, column);
  return value === null ? null : new Date(value).toISOString();
};

function sumOrNull(values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0);
}

function figuresOf(row: Row): Figures {
  const bySourceMWh = Object.fromEntries(PRODUCTION_SOURCES.map((s) => [s, num(row, s)])) as Record<
    ProductionSource,
    number | null
  >;
  const totalMWh = sumOrNull(PRODUCTION_SOURCES.map((s) => bySourceMWh[s]));
  const lowCarbon = sumOrNull(LOW_CARBON.map((s) => bySourceMWh[s])) ?? 0;
  const points = num(row, 'points') ?? 0;
  const co2N = num(row, 'co2_n') ?? 0;
  const apeN = num(row, 'ape_n') ?? 0;
  return {
    days: num(row, 'days') ?? 0,
    points,
    expectedPoints: num(row, 'expected') ?? 0,
    consumption: {
      energyMWh: num(row, 'energy'),
      peakMW: num(row, 'peak'),
      peakAt: iso(row, 'peak_at'),
      minMW: num(row, 'low'),
      minAt: iso(row, 'low_at'),
      meanMW: points === 0 ? null : (num(row, 'c_sum') ?? 0) / points,
    },
    production: {
      totalMWh,
      bySourceMWh,
      lowCarbonSharePct: totalMWh === null || totalMWh === 0 ? null : (100 * lowCarbon) / totalMWh,
    },
    exchanges: { netImportMWh: num(row, 'net_import') },
    co2: { meanIntensityGPerKWh: co2N === 0 ? null : (num(row, 'co2_sum') ?? 0) / co2N },
    forecast: { dayAheadMAPEPct: apeN === 0 ? null : (100 * (num(row, 'ape_sum') ?? 0)) / apeN },
  };
}

/**
 * A sum in a fixed order (DuckDB's own sum adds in parallel, in an order that may change between
 * runs): the same Parquet gives the same bits on every run. Nulls are left out; none at all gives null.
 */
function orderedSum(expression: string, order: string): string {
  return `list_sum(list(${expression} ORDER BY ${order}) FILTER (WHERE (${expression}) IS NOT NULL))`;
}

/** The day partitions as rows `path, day, hours`. */
function dayFilesSql(days: readonly DayPartition[]): string {
  const files = days.map((d) => `(${sqlString(d.path)}, ${sqlString(d.date)}, ${d.hours})`).join(', ');
  return `SELECT * FROM (VALUES ${files}) t(path, day, hours)`;
}

const POINT_COLUMNS = `epoch_ms(p.instant)::DOUBLE AS ts, epoch(p.instant)::BIGINT % 1800 = 900 AS quarter,
  p.consommation AS c, p.prevision_j1 AS f1, ${PRODUCTION_SOURCES.map((s) => `p.${s}`).join(', ')},
  p.ech_physiques, p.taux_co2`;

/** The points (instants with a consumption) of the days, from `day_files`. */
function pointsSql(days: readonly DayPartition[]): string {
  const paths = days.map((d) => sqlString(d.path)).join(', ');
  return `SELECT f.day, f.hours, ${POINT_COLUMNS}
  FROM read_parquet([${paths}], filename = true, union_by_name = true) p JOIN day_files f ON p.filename = f.path
  WHERE p.consommation IS NOT NULL`;
}

/** One row per day of `points`: the §6 sums of its points, step 15 when a point lies on :15/:45, else 30. */
function daysOfPointsSql(): string {
  const energy = (column: string) => `${orderedSum(column, 'ts')} * s.step / 60.0 AS ${column}`;
  return `
  WITH steps AS (SELECT day, CASE WHEN bool_or(quarter) THEN 15 ELSE 30 END AS step FROM points GROUP BY day)
  SELECT p.day, s.step, (any_value(p.hours) * 60 / s.step)::INTEGER AS expected, count(*)::INTEGER AS points,
         ${orderedSum('c', 'ts')} AS c_sum, ${energy('c')},
         max(c) AS peak, first(ts ORDER BY c DESC, ts) AS peak_at, min(c) AS low, first(ts ORDER BY c, ts) AS low_at,
         ${PRODUCTION_SOURCES.map(energy).join(', ')}, ${energy('ech_physiques')},
         ${orderedSum('taux_co2', 'ts')} AS co2_sum, count(taux_co2)::INTEGER AS co2_n,
         ${orderedSum('CASE WHEN c <> 0 THEN abs(c - f1) / c END', 'ts')} AS ape_sum,
         (count(*) FILTER (WHERE f1 IS NOT NULL AND c <> 0))::INTEGER AS ape_n
  FROM points p JOIN steps s USING (day) GROUP BY p.day, s.step`;
}

/**
 * Days whose points are summed in one statement. Each ordered sum keeps a buffer per day and
 * column, so a statement's memory grows with its days: a month fits in a bounded DuckDB where a
 * year at once does not (bench/RESULTS.md). A day's row depends on its own points only.
 */
const DAYS_SUMMED_AT_ONCE = 31;

/** The table `days` of the given days (through `day_files` and `points`, per group of days), for the roll-ups to read. */
function daysSql(days: readonly DayPartition[]): string[] {
  const statements: string[] = [];
  for (let start = 0; start < days.length; start += DAYS_SUMMED_AT_ONCE) {
    const group = days.slice(start, start + DAYS_SUMMED_AT_ONCE);
    statements.push(`
CREATE OR REPLACE TEMP TABLE day_files AS ${dayFilesSql(group)};
CREATE OR REPLACE TEMP TABLE points AS ${pointsSql(group)};
${start === 0 ? 'CREATE OR REPLACE TEMP TABLE days AS' : 'INSERT INTO days'} ${daysOfPointsSql()};`);
  }
  return statements;
}

/** Days grouped by `key` (all together without one): energies and counts summed, peak and minimum the extreme day's (first on ties). */
function rollupSql(key: string | null): string {
  return `
SELECT ${key ?? "'total'"} AS key, count(*)::INTEGER AS days, sum(points)::INTEGER AS points, sum(expected)::INTEGER AS expected,
       ${orderedSum('c_sum', 'day')} AS c_sum, ${orderedSum('c', 'day')} AS energy,
       max(peak) AS peak, first(peak_at ORDER BY peak DESC, peak_at) AS peak_at,
       min(low) AS low, first(low_at ORDER BY low, low_at) AS low_at,
       ${PRODUCTION_SOURCES.map((s) => `${orderedSum(s, 'day')} AS ${s}`).join(', ')}, ${orderedSum('ech_physiques', 'day')} AS net_import,
       ${orderedSum('co2_sum', 'day')} AS co2_sum, sum(co2_n)::INTEGER AS co2_n, ${orderedSum('ape_sum', 'day')} AS ape_sum, sum(ape_n)::INTEGER AS ape_n
FROM days${key ? ` GROUP BY ${key} ORDER BY ${key}` : ''}`;
}

const DROP_TABLES = 'DROP TABLE IF EXISTS day_files; DROP TABLE IF EXISTS points; DROP TABLE IF EXISTS days;';

/** Figures per day, per month and in total of the given day partitions. */
export async function periodFigures(
  connection: DuckDBConnection,
  days: readonly DayPartition[],
): Promise<PeriodFigures> {
  if (days.length === 0) return { byDay: new Map(), byMonth: new Map(), total: null };
  try {
    for (const statement of daysSql(days)) await connection.run(statement);
    const rowsOf = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson() as unknown as Row[];
    const read = (key: string | null) => rowsOf(rollupSql(key));
    const keyed = (rows: Row[]) => new Map(rows.map((row) => [String(row.key), figuresOf(row)]));
    const [total] = await read(null);
    return {
      // A day's row is its figures as they are (see DAY_ROW): no roll-up, no buffer per day.
      byDay: keyed(await rowsOf(`SELECT ${DAY_ROW} FROM days ORDER BY day`)),
      byMonth: keyed(await read('substr(day, 1, 7)')),
      total: total && num(total, 'days') ? figuresOf(total) : null,
    };
  } finally {
    await connection.run(DROP_TABLES);
  }
}

/** The columns of a row of `days` as {@link figuresOf} reads them: a day's figures as they are. */
const DAY_ROW = `day AS key, 1 AS days, points, expected, c_sum, c AS energy, peak, peak_at, low, low_at,
  ${PRODUCTION_SOURCES.join(', ')}, ech_physiques AS net_import, co2_sum, co2_n, ape_sum, ape_n`;

/**
 * The figures of one day partition, in one statement: {@link periodFigures}' `byDay` for a single
 * day. The day's row of `days` is its figures as they are — the roll-up of one day adds each sum to
 * nothing and gives the same bits — so it is read without the roll-up.
 */
export async function dayFigures(connection: DuckDBConnection, day: DayPartition): Promise<Figures | null> {
  const points = `SELECT ${sqlString(day.date)} AS day, ${day.hours} AS hours, ${POINT_COLUMNS}
    FROM read_parquet(${sqlString(day.path)}) p WHERE p.consommation IS NOT NULL`;
  const reader = await connection.runAndReadAll(
    `WITH points AS (${points}), days AS (${daysOfPointsSql()}) SELECT ${DAY_ROW} FROM days`,
  );
  const [row] = reader.getRowObjectsJson() as unknown as Row[];
  return row ? figuresOf(row) : null;
}

/** {@link dayFigures} of many day partitions in one statement, by day (only days with points): the same bits. */
export async function daysFigures(
  connection: DuckDBConnection,
  days: readonly DayPartition[],
): Promise<Map<string, Figures>> {
  if (days.length === 0) return new Map();
  const reader =
    await connection.runAndReadAll(`WITH day_files AS (${dayFilesSql(days)}), points AS (${pointsSql(days)}),
    days AS (${daysOfPointsSql()}) SELECT ${DAY_ROW} FROM days`);
  const rows = reader.getRowObjectsJson() as unknown as Row[];
  return new Map(rows.map((row) => [String(row.key), figuresOf(row)]));
}
