/** The smart-meter sections of the daily, monthly and annual reports. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../duckdb/columns.js';
import { parisDayBounds, parisOffsetMinutes } from '../../workflow-safe/partition.js';
import { ANOMALIES_TABLE, type DatasetReport } from '../report-contract.js';
import type { ReportFigure, TimeChart } from '../report-views.js';
import { dayAnomaliesSchema, type DayAnomalies } from './day-metrics.js';
import { periodBarChart } from '../period-chart.js';
import { periodRowsSql } from '../period-days.js';
import { METER_DAILY_TABLE, READINGS_TABLE } from './day-transform.js';

const TITLE = 'Smart meters';
const COLOUR = '#2b6cb0';
const ANOMALY_COLOUR = '#c53030';
const TOP_METERS = 10;
/** Meters of the strongest anomalies given a chart of their day. */
const CHARTED_METERS = 3;

/** `19:30 (UTC+2)`: the Paris clock of an instant with its offset (the repeated October hour shows twice). */
function parisClockOf(iso: string): string {
  const at = Date.parse(iso);
  const offset = parisOffsetMinutes(at);
  return `${new Date(at + offset * 60_000).toISOString().slice(11, 16)} (UTC+${offset / 60})`;
}

/** The metrics document's anomalies; null for a day run before anomalies were detected. */
function anomaliesIn(metrics: Readonly<Record<string, unknown>>): DayAnomalies | null {
  const parsed = dayAnomaliesSchema.safeParse(metrics.anomalies);
  return parsed.success ? parsed.data : null;
}

/** A meter's readings of the day, its anomalies marked. */
async function meterChart(
  db: DuckDBConnection,
  date: string,
  meterId: string,
  tables: Readonly<Record<string, string>>,
): Promise<TimeChart> {
  const anomalies = tables[ANOMALIES_TABLE];
  const marked = anomalies === undefined ? 'NULL' : 'a.kwh';
  const joined =
    anomalies === undefined ? '' : `LEFT JOIN read_parquet(${sqlString(anomalies)}) a USING (meter_id, ts)`;
  const rows = (
    await db.runAndReadAll(
      `SELECT epoch_ms(r.ts) AS at, r.kwh, ${marked} AS anomaly FROM read_parquet(${sqlString(tables[READINGS_TABLE] ?? '')}) r
       ${joined} WHERE r.meter_id = ${sqlString(meterId)} ORDER BY r.ts`,
    )
  ).getRowObjects();
  const { start, end } = parisDayBounds(date);
  const value = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    kind: 'time',
    id: `smartmeter-anomalies-${meterId}`,
    title: `Meter ${meterId}`,
    caption: 'Its readings of the day, kWh; anomalies marked',
    unit: 'kWh',
    style: 'line',
    instants: rows.map((row) => Number(row.at)),
    from: start.getTime(),
    to: end.getTime(),
    series: [
      { id: 'kwh', label: 'Reading', colour: COLOUR, values: rows.map((row) => value(row.kwh)) },
      {
        id: 'anomaly',
        label: 'Anomaly',
        colour: ANOMALY_COLOUR,
        points: true,
        values: rows.map((row) => value(row.anomaly)),
      },
    ],
    digits: 3,
    includeZero: true,
  };
}

function numberAt(metrics: Readonly<Record<string, unknown>>, key: string): number | null {
  const value = metrics[key];
  return typeof value === 'number' ? value : null;
}

function percent(ratio: number | null): string {
  return ratio === null ? 'n/a' : `${(ratio * 100).toFixed(1)} %`;
}

export const smartMeterReport: DatasetReport<unknown> = {
  tables: [READINGS_TABLE, METER_DAILY_TABLE, ANOMALIES_TABLE],

  async day({ date, db, metrics, tables }) {
    const meters = numberAt(metrics, 'meters');
    const readings = numberAt(metrics, 'readings');
    const expected = numberAt(metrics, 'expectedReadings');
    const completeness = numberAt(metrics, 'completeness');
    const energy = numberAt(metrics, 'energyKWh');
    const figures: ReportFigure[] = [
      { key: 'meters', label: 'Meters', value: meters },
      { key: 'readings', label: 'Readings', value: readings },
      { key: 'expectedReadings', label: 'Readings expected', value: expected },
      {
        key: 'completeness',
        label: 'Completeness',
        value: completeness,
        format: 'percent',
      },
      { key: 'energyKWh', label: 'Energy', value: energy, unit: 'kWh', digits: 1 },
      { key: 'metersWithGaps', label: 'Meters with gaps', value: numberAt(metrics, 'metersWithGaps') },
      { key: 'duplicates', label: 'Duplicate readings', value: numberAt(metrics, 'duplicates') },
    ];
    const anomalies = anomaliesIn(metrics);
    if (anomalies) {
      figures.push({
        key: 'anomalies',
        label: 'Anomalies',
        value: anomalies.count,
        note: `score > ${anomalies.threshold}, ${anomalies.historyDays} day(s) of history`,
      });
    }
    const chartedMeters = [...new Set(anomalies?.strongest.map((a) => a.meterId))].slice(0, CHARTED_METERS);
    const meterCharts = await Promise.all(chartedMeters.map((meter) => meterChart(db, date, meter, tables)));
    const { start, end } = parisDayBounds(date);
    const load = (
      await db.runAndReadAll(
        `SELECT epoch_ms(ts) AS at, round(sum(kwh::DECIMAL(38, 12)), 6)::DOUBLE AS kwh
         FROM read_parquet(${sqlString(tables[READINGS_TABLE] ?? '')}) GROUP BY ts ORDER BY ts`,
      )
    ).getRowObjects();
    const top = (
      await db.runAndReadAll(
        `SELECT meter_id, energy_kwh, readings, expected_readings, completeness, max_kwh, strftime(max_at, '%Y-%m-%dT%H:%M:%SZ') AS max_at
         FROM read_parquet(${sqlString(tables[METER_DAILY_TABLE] ?? '')}) ORDER BY energy_kwh DESC, meter_id LIMIT ${TOP_METERS}`,
      )
    ).getRowObjects();
    return {
      title: TITLE,
      summary:
        `${meters ?? 0} meter(s), ${readings ?? 0} of ${expected ?? 0} readings (${percent(completeness)}), ` +
        `${energy === null ? 'no' : energy.toFixed(1)} kWh` +
        (anomalies ? `, ${anomalies.count} anomalous reading(s)` : ''),
      figures,
      charts: [
        {
          kind: 'time',
          id: 'smartmeter-load',
          title: 'Load of all meters',
          caption: 'Energy of every meter summed per interval, kWh; Paris day',
          unit: 'kWh',
          style: 'line',
          instants: load.map((row) => Number(row.at)),
          from: start.getTime(),
          to: end.getTime(),
          series: [{ id: 'load', label: 'All meters', colour: COLOUR, values: load.map((row) => Number(row.kwh)) }],
          digits: 3,
          includeZero: true,
        },
        ...meterCharts,
      ],
      tables: [
        ...(anomalies && anomalies.strongest.length > 0
          ? [
              {
                id: 'smartmeter-anomalies',
                title: 'Strongest anomalies',
                columns: ['meter', 'time (Paris)', 'kWh', 'score', 'reason'],
                rows: anomalies.strongest.map((a) => [a.meterId, parisClockOf(a.at), a.kWh, a.score, a.reason]),
              },
            ]
          : []),
        {
          id: 'smartmeter-top-meters',
          title: `Top ${TOP_METERS} meters by energy`,
          columns: [
            'meter',
            'energy (kWh)',
            'readings',
            'expected',
            'completeness',
            'highest reading (kWh)',
            'at (UTC)',
          ],
          rows: top.map((row) => [
            String(row.meter_id),
            Number(row.energy_kwh),
            Number(row.readings),
            Number(row.expected_readings),
            Number(row.completeness),
            Number(row.max_kwh),
            String(row.max_at),
          ]),
        },
      ],
    };
  },

  async period({ kind, db, days }) {
    const source = periodRowsSql(days, METER_DAILY_TABLE);
    const perDay =
      source === null
        ? []
        : (
            await db.runAndReadAll(
              `SELECT day, count(*) AS meters, sum(readings) AS readings, sum(expected_readings) AS expected, round(sum(energy_kwh::DECIMAL(38, 12)), 6)::DOUBLE AS energy FROM (${source}) GROUP BY day ORDER BY day`,
            )
          ).getRowObjects();
    const rows = perDay.map((row) => ({
      date: String(row.day),
      meters: Number(row.meters),
      readings: Number(row.readings),
      expected: Number(row.expected),
      energy: Number(row.energy),
    }));
    const figuresOf = (group: typeof rows): ReportFigure[] => {
      const readings = group.reduce((n, r) => n + r.readings, 0);
      const expected = group.reduce((n, r) => n + r.expected, 0);
      const energy = Math.round(group.reduce((n, r) => n + r.energy, 0) * 1e6) / 1e6;
      return [
        { key: 'days', label: 'Days', value: group.length },
        { key: 'readings', label: 'Readings', value: readings },
        { key: 'expectedReadings', label: 'Readings expected', value: expected },
        {
          key: 'completeness',
          label: 'Completeness',
          value: expected === 0 ? null : readings / expected,
          format: 'percent',
        },
        { key: 'energyKWh', label: 'Energy', value: energy, unit: 'kWh', digits: 1 },
      ];
    };
    const months = [...new Set(rows.map((r) => r.date.slice(0, 7)))];
    const total = figuresOf(rows);
    return {
      title: TITLE,
      summary: `${rows.length} day(s) with readings, ${String(total[4]?.value ?? 0)} kWh`,
      figures: total,
      charts: [
        periodBarChart({
          kind,
          id: 'smartmeter-energy',
          seriesId: 'energy',
          measure: 'Energy',
          caption: 'Energy of every meter, kWh',
          unit: 'kWh',
          colour: COLOUR,
          days: rows.map((r) => ({ date: r.date, value: r.energy })),
          digits: 1,
        }),
      ],
      tables: [],
      daily: rows.map((r) => ({ date: r.date, figures: figuresOf([r]) })),
      monthly: months.map((month) => ({ month, figures: figuresOf(rows.filter((r) => r.date.startsWith(month))) })),
    };
  },
};
