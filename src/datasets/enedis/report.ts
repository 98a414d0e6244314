/** The Enedis sections of the daily, monthly and annual reports; a month lists the energy per PRM and class. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sqlString } from '../../duckdb/columns.js';
import { datesOfMonth } from '../../workflow-safe/periods.js';
import type { DatasetReport, PeriodReportContext } from '../report-contract.js';
import type { ReportFigure } from '../report-views.js';
import { periodBarChart } from '../period-chart.js';
import { describeMissed, missedDeliveriesSchema, sequenceText } from './deliveries.js';
import { INDEX_TABLE, STATED_TABLE } from './day-transform.js';
import { enedisEnergies } from './energies.js';
import { withOrderedQueryDb } from './turns.js';

const TITLE = 'Enedis meter readings';
const COLOUR = '#2f855a';
/** Index readings listed in a day report. */
const LISTED_READINGS = 40;

function numberAt(metrics: Readonly<Record<string, unknown>>, key: string): number | null {
  const value = metrics[key];
  return typeof value === 'number' ? value : null;
}

interface MonthEnergy {
  readonly prm: string;
  readonly class: string;
  readonly start: number | null;
  readonly end: number | null;
  readonly energy: number | null;
  readonly verdict: string;
  readonly reason: string | null;
}

/** Rows of the month's energy table listed in its report; `courant energies` gives every one. */
export const LISTED_ENERGIES = 1000;

interface MonthEnergies {
  /** The first `LISTED_ENERGIES` rows, in the order of `courant energies`. */
  readonly listed: MonthEnergy[];
  /** Every row of the month. */
  readonly rows: number;
  /** PRMs whose BASE energy is computable, and the sum of those energies. */
  readonly computable: number;
  readonly energyKWh: number;
}

/**
 * Energy per PRM and class over the month (`energies.ts`), from the stored days and the day before:
 * the totals over every row, computed by DuckDB, and the first rows only (a month of 100 000 PRMs
 * has 700 000 rows: a report lists a sample, the CLI the rest).
 */
async function monthEnergies(
  db: DuckDBConnection,
  month: string,
  before: readonly string[],
  days: PeriodReportContext<unknown>['days'],
): Promise<MonthEnergies> {
  const files = [...before, ...days.flatMap((d) => (d.tables[INDEX_TABLE] ? [d.tables[INDEX_TABLE]] : []))];
  const dates = datesOfMonth(month);
  const [from, to] = [dates[0], dates[dates.length - 1]];
  if (files.length === 0 || from === undefined || to === undefined)
    return { listed: [], rows: 0, computable: 0, energyKWh: 0 };
  // Computed once, kept in the turn's own DuckDB (spilling past its limit) in the order of
  // `courant energies` (the row ids follow the query's order): the totals and the listed rows read it.
  await db.run(`CREATE TEMP TABLE month_energies AS ${enedisEnergies.sql({ from, to, files, meters: [] })}`);
  const base = `class = 'BASE' AND verdict <> 'not computable'`;
  const [totals = {}] = (
    await db.runAndReadAll(
      `SELECT count(*) AS rows, count(*) FILTER (WHERE ${base}) AS computable,
              coalesce(sum(energy_kwh) FILTER (WHERE ${base}), 0) AS energy FROM month_energies`,
    )
  ).getRowObjects();
  const number = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  const first = `SELECT * FROM month_energies ORDER BY rowid LIMIT ${LISTED_ENERGIES}`;
  const listed = (await db.runAndReadAll(first)).getRowObjects().map((row) => ({
    prm: String(row.prm),
    class: String(row.class),
    start: number(row.start_index_kwh),
    end: number(row.end_index_kwh),
    energy: number(row.energy_kwh),
    verdict: String(row.verdict),
    reason: row.reason === null ? null : String(row.reason),
  }));
  return {
    listed,
    rows: Number(totals.rows ?? 0),
    computable: Number(totals.computable ?? 0),
    energyKWh: Number(totals.energy ?? 0),
  };
}

/**
 * The readings and PRMs of each day with readings, ascending, or null when no day has a table: one
 * aggregate per day's table (a month of 100 000 PRMs holds 15 million readings), not one grouping
 * of them all.
 */
function perDaySql(days: PeriodReportContext<unknown>['days']): string | null {
  const each = days.flatMap((d) => {
    const table = d.tables[INDEX_TABLE];
    return table === undefined
      ? []
      : [
          `SELECT ${sqlString(d.date)} AS day, count(*) AS readings, count(DISTINCT prm) AS prms
           FROM read_parquet(${sqlString(table)}) HAVING count(*) > 0`,
        ];
  });
  return each.length === 0 ? null : `${each.join(' UNION ALL ')} ORDER BY day`;
}

/** Runs `work` in the dataset's DuckDB turn, rows in insertion order (`withOrderedQueryDb`), spilling to a folder of its own. */
async function inQueryTurn<T>(work: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  const spill = await mkdtemp(path.join(os.tmpdir(), 'courant-enedis-report-'));
  try {
    return await withOrderedQueryDb(spill, work);
  } finally {
    await rm(spill, { recursive: true, force: true });
  }
}

export const enedisReport: DatasetReport<unknown> = {
  tables: [INDEX_TABLE, STATED_TABLE],

  async day({ db, metrics, tables }) {
    const readings = numberAt(metrics, 'readings');
    const prms = numberAt(metrics, 'prms');
    const flagged = numberAt(metrics, 'flagged');
    // Documents written before deliveries were tracked have none.
    const missed = metrics.missedDeliveries === undefined ? [] : missedDeliveriesSchema.parse(metrics.missedDeliveries);
    const figures: ReportFigure[] = [
      { key: 'readings', label: 'Index readings', value: readings },
      { key: 'prms', label: 'PRMs', value: prms },
      { key: 'estimated', label: 'Estimated readings', value: numberAt(metrics, 'estimated') },
      { key: 'flagged', label: 'Flagged readings', value: flagged, note: 'INCONNU class or DN999999 calendar' },
      {
        key: 'missedDeliveries',
        label: 'Missed deliveries',
        value: missed.length,
        note: 'numbers missing in a series',
      },
    ];
    const rows = (
      await db.runAndReadAll(
        `SELECT prm, flow, strftime(timezone('Europe/Paris', reading_at), '%Y-%m-%d %H:%M') AS at, class_kind, class,
                calendar, index_kwh, coalesce(nature, '') AS nature, coalesce(qualification, '') AS qualification
         FROM read_parquet(${sqlString(tables[INDEX_TABLE] ?? '')})
         ORDER BY prm, reading_at, flow, class_kind, calendar, class LIMIT ${LISTED_READINGS}`,
      )
    ).getRowObjects();
    return {
      title: TITLE,
      summary:
        `${readings ?? 0} index reading(s) of ${prms ?? 0} PRM(s)${flagged ? `, ${flagged} flagged` : ''}` +
        (missed.length > 0 ? `; missed deliveries: ${missed.map(describeMissed).join('; ')}` : ''),
      notes: [
        'Indexes in kWh, Wh floored to whole kWh; an R151 date D is the index at the end of D (D+1 00:00 Paris).',
      ],
      figures,
      charts: [],
      tables: [
        ...(missed.length === 0
          ? []
          : [
              {
                id: 'enedis-missed-deliveries',
                title: 'Missed deliveries',
                columns: ['series', 'missing', 'part', 'delivered before', 'delivered after'],
                rows: missed.map((m) => [
                  m.series,
                  m.from === m.to ? sequenceText(m.from) : `${sequenceText(m.from)}–${sequenceText(m.to)}`,
                  m.part === null ? '' : `${m.part} of ${m.parts ?? '?'}`,
                  m.after === null ? '' : sequenceText(m.after),
                  sequenceText(m.before),
                ]),
              },
            ]),
        {
          id: 'enedis-readings',
          title:
            readings !== null && readings > LISTED_READINGS
              ? `First ${LISTED_READINGS} index readings`
              : 'Index readings',
          columns: ['PRM', 'flow', 'at (Paris)', 'class kind', 'class', 'calendar', 'index (kWh)', 'nature', 'event'],
          rows: rows.map((row) => [
            String(row.prm),
            String(row.flow),
            String(row.at),
            String(row.class_kind),
            String(row.class),
            String(row.calendar ?? ''),
            Number(row.index_kwh),
            String(row.nature),
            String(row.qualification),
          ]),
        },
      ],
    };
  },

  async period({ kind, period, days, before }) {
    // A month's queries read every day's readings: they run in the dataset's DuckDB turn, on a
    // DuckDB of their own (`turns.ts`), not in the worker's shared one while days are ingested.
    const { perDay, energies } = await inQueryTurn(async (db) => {
      const source = perDaySql(days);
      return {
        perDay: source === null ? [] : (await db.runAndReadAll(source)).getRowObjects(),
        energies: kind === 'month' ? await monthEnergies(db, period, before, days) : null,
      };
    });
    const rows = perDay.map((row) => ({
      date: String(row.day),
      readings: Number(row.readings),
      prms: Number(row.prms),
    }));
    const figuresOf = (group: typeof rows): ReportFigure[] => [
      { key: 'days', label: 'Days', value: group.length },
      { key: 'readings', label: 'Index readings', value: group.reduce((n, r) => n + r.readings, 0) },
      { key: 'prmDays', label: 'PRM-days', value: group.reduce((n, r) => n + r.prms, 0) },
    ];
    const months = [...new Set(rows.map((r) => r.date.slice(0, 7)))];
    const total: ReportFigure[] = [
      ...figuresOf(rows),
      ...(kind === 'month'
        ? [
            {
              key: 'energyKWh',
              label: 'Energy',
              value: energies?.energyKWh ?? 0,
              unit: 'kWh',
              note: `${energies?.computable ?? 0} PRM(s) computable`,
            },
          ]
        : []),
    ];
    return {
      title: TITLE,
      summary:
        `${rows.length} day(s) with readings, ${String(total[1]?.value ?? 0)} index reading(s)` +
        (kind === 'month' ? `, ${energies?.computable ?? 0} PRM(s) with a computable energy` : ''),
      figures: total,
      charts: [
        periodBarChart({
          kind,
          id: 'enedis-readings',
          seriesId: 'readings',
          measure: 'Index readings',
          caption: 'Index readings kept, every flow',
          unit: 'readings',
          colour: COLOUR,
          days: rows.map((r) => ({ date: r.date, value: r.readings })),
        }),
      ],
      tables:
        energies === null || energies.rows === 0
          ? []
          : [
              {
                id: 'enedis-energies',
                title:
                  energies.rows > energies.listed.length
                    ? `Energy per PRM over the month: the first ${energies.listed.length} of ${energies.rows} rows (all of them: courant energies)`
                    : 'Energy per PRM over the month',
                columns: ['PRM', 'class', 'start index (kWh)', 'end index (kWh)', 'energy (kWh)', 'verdict', 'why'],
                rows: energies.listed.map((e) => [e.prm, e.class, e.start, e.end, e.energy, e.verdict, e.reason ?? '']),
              },
            ],
      daily: rows.map((r) => ({ date: r.date, figures: figuresOf([r]) })),
      monthly: months.map((month) => ({ month, figures: figuresOf(rows.filter((r) => r.date.startsWith(month))) })),
    };
  },
};
