/** The Paris weather sections of the daily, monthly and annual reports. */
import { z } from 'zod';
import { parisDayBounds, PARTITION_TIMEZONE } from '../../workflow-safe/partition.js';
import type { DatasetReport } from '../report-contract.js';
import type { BarChart, ReportFigure } from '../report-views.js';
import { periodBarChart } from '../period-chart.js';
import { periodRowsSql } from '../period-days.js';
import { ARCHIVE_SOURCE } from './source.js';
import { WEATHER_TABLE } from './transform.js';

const TITLE = 'Paris weather';
const TEMPERATURE_COLOUR = '#c05621';
const PRECIPITATION_COLOUR = '#2b6cb0';
const NOTES = [
  'Open-Meteo, hourly: the archive (final) once it has the day, the forecast API (provisional) before; a provisional day is run again when the archive has it.',
  'Temperature and wind at the start of each hour; precipitation fell during the hour.',
];

/** What the report reads of the day's metrics document. */
const dayMetrics = z.object({
  status: z.enum(['final', 'provisional']),
  hours: z.number(),
  temperature: z.object({
    minC: z.number().nullable(),
    minAt: z.iso.datetime().nullable(),
    maxC: z.number().nullable(),
    maxAt: z.iso.datetime().nullable(),
    meanC: z.number().nullable(),
  }),
  precipitationMm: z.number().nullable(),
  wind: z.object({ maxKmh: z.number().nullable(), maxAt: z.iso.datetime().nullable() }),
  hourly: z.array(
    z.object({ at: z.iso.datetime(), temperatureC: z.number().nullable(), precipitationMm: z.number().nullable() }),
  ),
  completeness: z.number(),
});

const parisHour = new Intl.DateTimeFormat('en-GB', { timeZone: PARTITION_TIMEZONE, hour: '2-digit', hour12: false });
const celsius = (value: number | null) => (value === null ? '–' : `${value.toFixed(1)} °C`);

export const weatherReport: DatasetReport<unknown> = {
  tables: [WEATHER_TABLE],

  day({ date, metrics }) {
    const m = dayMetrics.parse(metrics);
    const { start, end } = parisDayBounds(date);
    const figures: ReportFigure[] = [
      {
        key: 'status',
        label: 'Status',
        value: m.status,
        format: 'text',
        note: m.status === 'final' ? 'archive' : 'forecast',
      },
      { key: 'temperature.minC', label: 'Minimum', value: m.temperature.minC, unit: '°C', digits: 1 },
      { key: 'temperature.minAt', label: 'Minimum at', value: m.temperature.minAt, format: 'instant', detail: true },
      { key: 'temperature.maxC', label: 'Maximum', value: m.temperature.maxC, unit: '°C', digits: 1 },
      { key: 'temperature.maxAt', label: 'Maximum at', value: m.temperature.maxAt, format: 'instant', detail: true },
      { key: 'temperature.meanC', label: 'Mean temperature', value: m.temperature.meanC, unit: '°C', digits: 1 },
      { key: 'precipitationMm', label: 'Precipitation', value: m.precipitationMm, unit: 'mm', digits: 1 },
      { key: 'wind.maxKmh', label: 'Strongest wind', value: m.wind.maxKmh, unit: 'km/h', digits: 0 },
      {
        key: 'completeness',
        label: 'Completeness',
        value: m.completeness,
        format: 'percent',
        note: 'hours with a temperature',
      },
    ];
    const precipitation: BarChart = {
      kind: 'bar',
      id: 'cityflow-weather-precipitation',
      title: 'Precipitation per hour',
      caption: 'Millimetres that fell during each hour, by its start (Paris time)',
      unit: 'mm',
      categories: m.hourly.map((h) => h.at),
      axisLabels: m.hourly.map((h, i) => (i % 3 === 0 ? parisHour.format(new Date(h.at)) : '')),
      series: [
        {
          id: 'precipitation',
          label: 'Precipitation',
          colour: PRECIPITATION_COLOUR,
          values: m.hourly.map((h) => h.precipitationMm),
        },
      ],
      digits: 1,
    };
    return Promise.resolve({
      title: TITLE,
      summary:
        `${m.status === 'final' ? 'Final' : 'Provisional'}: ${celsius(m.temperature.minC)} to ${celsius(m.temperature.maxC)}, ` +
        `${m.precipitationMm === null ? 'precipitation unknown' : `${m.precipitationMm.toFixed(1)} mm of precipitation`}`,
      notes: NOTES,
      figures,
      charts: [
        {
          kind: 'time',
          id: 'cityflow-weather-temperature',
          title: 'Temperature',
          caption: 'Air temperature at 2 m, hour by hour; Paris day',
          unit: '°C',
          style: 'line',
          instants: m.hourly.map((h) => Date.parse(h.at)),
          from: start.getTime(),
          to: end.getTime(),
          series: [
            {
              id: 'temperature',
              label: 'Temperature',
              colour: TEMPERATURE_COLOUR,
              values: m.hourly.map((h) => h.temperatureC),
            },
          ],
          digits: 1,
        },
        precipitation,
      ],
      tables: [],
    });
  },

  async period({ kind, db, days }) {
    const source = periodRowsSql(days, WEATHER_TABLE);
    const perDay =
      source === null
        ? []
        : (
            await db.runAndReadAll(
              `SELECT day, min(temperature_c) AS min_c, max(temperature_c) AS max_c,
                 round(avg(temperature_c::DECIMAL(18, 6)), 2)::DOUBLE AS mean_c,
                 round(sum(precipitation_mm::DECIMAL(18, 3)), 2)::DOUBLE AS precipitation_mm,
                 bool_and(source = '${ARCHIVE_SOURCE}') AS final
               FROM (${source}) GROUP BY day ORDER BY day`,
            )
          ).getRowObjects();
    const rows = perDay.map((r) => ({
      date: String(r.day),
      minC: Number(r.min_c),
      maxC: Number(r.max_c),
      meanC: Number(r.mean_c),
      precipitationMm: Number(r.precipitation_mm ?? 0),
      final: r.final === true,
    }));
    const figuresOf = (group: typeof rows): ReportFigure[] => [
      { key: 'days', label: 'Days', value: group.length },
      { key: 'provisionalDays', label: 'Provisional days', value: group.filter((r) => !r.final).length },
      {
        key: 'temperature.meanC',
        label: 'Mean temperature',
        value:
          group.length === 0 ? null : Math.round((group.reduce((n, r) => n + r.meanC, 0) / group.length) * 100) / 100,
        unit: '°C',
        digits: 1,
        note: 'mean of the days',
      },
      {
        key: 'temperature.minC',
        label: 'Minimum',
        value: group.length === 0 ? null : Math.min(...group.map((r) => r.minC)),
        unit: '°C',
        digits: 1,
      },
      {
        key: 'temperature.maxC',
        label: 'Maximum',
        value: group.length === 0 ? null : Math.max(...group.map((r) => r.maxC)),
        unit: '°C',
        digits: 1,
      },
      {
        key: 'precipitationMm',
        label: 'Precipitation',
        value: Math.round(group.reduce((n, r) => n + r.precipitationMm, 0) * 100) / 100,
        unit: 'mm',
        digits: 1,
      },
    ];
    const months = [...new Set(rows.map((r) => r.date.slice(0, 7)))];
    const monthly = months.map((month) => ({
      month,
      figures: figuresOf(rows.filter((r) => r.date.startsWith(month))),
    }));
    const meanOf = (figures: readonly ReportFigure[]) => {
      const value = figures.find((f) => f.key === 'temperature.meanC')?.value;
      return typeof value === 'number' ? value : null;
    };
    const temperature: BarChart = {
      kind: 'bar',
      id: 'cityflow-weather-mean-temperature',
      title: `Mean temperature per ${kind === 'year' ? 'month' : 'day'}`,
      caption: 'Mean of the hourly temperatures',
      unit: '°C',
      categories: kind === 'year' ? months : rows.map((r) => r.date),
      axisLabels: kind === 'year' ? months.map((m) => m.slice(5)) : rows.map((r) => r.date.slice(8)),
      series: [
        {
          id: 'temperature',
          label: 'Mean temperature',
          colour: TEMPERATURE_COLOUR,
          values: kind === 'year' ? monthly.map((m) => meanOf(m.figures)) : rows.map((r) => r.meanC),
        },
      ],
      digits: 1,
    };
    const total = figuresOf(rows);
    const provisional = rows.filter((r) => !r.final).length;
    return {
      title: TITLE,
      summary:
        `${rows.length} day(s)${provisional > 0 ? ` (${provisional} provisional)` : ''}, ` +
        `${Number(total.find((f) => f.key === 'precipitationMm')?.value ?? 0).toFixed(1)} mm of precipitation`,
      notes: NOTES,
      figures: total,
      charts: [
        temperature,
        periodBarChart({
          kind,
          id: 'cityflow-weather-precipitation',
          seriesId: 'precipitation',
          measure: 'Precipitation',
          caption: 'Millimetres over the Paris day',
          unit: 'mm',
          colour: PRECIPITATION_COLOUR,
          days: rows.map((r) => ({ date: r.date, value: r.precipitationMm })),
          digits: 1,
        }),
      ],
      tables: [],
      daily: rows.map((r) => ({ date: r.date, figures: figuresOf([r]) })),
      monthly,
    };
  },
};
