/** The Vélib' sections of the daily, monthly and annual reports. */
import { z } from 'zod';
import { parisDayBounds } from '../../workflow-safe/partition.js';
import { daySlots } from '../../workflow-safe/slots.js';
import type { DatasetReport } from '../report-contract.js';
import type { BarChart, ReportFigure } from '../report-views.js';
import { periodBarChart } from '../period-chart.js';
import { periodRowsSql } from '../period-days.js';
import { STATUS_TABLE } from './transform.js';

const TITLE = "Vélib' availability";
const MECHANICAL_COLOUR = '#2f855a';
const ELECTRIC_COLOUR = '#3182ce';
const EMPTY_COLOUR = '#c53030';
const NOTES = [
  "Vélib' Métropole GBFS, snapshots taken during the day: each counts for its own slot only; a missed slot stays empty (the feed keeps no history).",
  'Bikes available are time-weighted over the slots taken; a station is empty with no bike while installed and renting, full with no dock while installed and returning.',
];

const station = z.object({ stationId: z.number(), code: z.string().nullable(), name: z.string().nullable() });

/** What the report reads of the day's metrics document. */
const dayMetrics = z.object({
  slotMinutes: z.number(),
  slots: z.object({ expected: z.number(), taken: z.number() }),
  coverage: z.number(),
  stations: z.object({ reporting: z.number(), listed: z.number(), neverReporting: z.number() }),
  bikesAvailable: z.object({
    total: z.number().nullable(),
    mechanical: z.number().nullable(),
    electric: z.number().nullable(),
  }),
  stationHours: z.object({ empty: z.number().nullable(), full: z.number().nullable() }),
  mostVolatile: z.array(station.extend({ moves: z.number(), snapshots: z.number() })),
  series: z.array(
    z.object({ at: z.iso.datetime(), mechanical: z.number().nullable(), electric: z.number().nullable() }),
  ),
});

const count = (value: number | null) => (value === null ? '–' : Math.round(value).toLocaleString('en'));

/** The figures of a day or a group of days, from their sums. */
interface Sums {
  readonly days: number;
  readonly taken: number;
  readonly expected: number;
  readonly coveredHours: number;
  readonly bikeHours: number;
  readonly mechanicalHours: number;
  readonly ebikeHours: number;
  readonly emptyHours: number;
  readonly fullHours: number;
}

function figuresOf(sums: Sums): ReportFigure[] {
  const mean = (hours: number) =>
    sums.coveredHours === 0 ? null : Math.round((hours / sums.coveredHours) * 1e3) / 1e3;
  return [
    { key: 'days', label: 'Days', value: sums.days },
    {
      key: 'completeness',
      label: 'Snapshot coverage',
      value: sums.expected === 0 ? null : Math.round((sums.taken / sums.expected) * 1e6) / 1e6,
      format: 'percent',
      note: 'slots taken',
    },
    {
      key: 'bikesAvailable.total',
      label: 'Bikes available',
      value: mean(sums.bikeHours),
      digits: 0,
      note: 'time-weighted',
    },
    { key: 'bikesAvailable.mechanical', label: 'Mechanical', value: mean(sums.mechanicalHours), digits: 0 },
    { key: 'bikesAvailable.electric', label: 'Electric', value: mean(sums.ebikeHours), digits: 0 },
    {
      key: 'stationHours.empty',
      label: 'Station-hours empty',
      value: Math.round(sums.emptyHours * 1e3) / 1e3,
      unit: 'h',
      digits: 0,
    },
    {
      key: 'stationHours.full',
      label: 'Station-hours full',
      value: Math.round(sums.fullHours * 1e3) / 1e3,
      unit: 'h',
      digits: 0,
    },
  ];
}

const add = (a: Sums, b: Sums): Sums => ({
  days: a.days + b.days,
  taken: a.taken + b.taken,
  expected: a.expected + b.expected,
  coveredHours: a.coveredHours + b.coveredHours,
  bikeHours: a.bikeHours + b.bikeHours,
  mechanicalHours: a.mechanicalHours + b.mechanicalHours,
  ebikeHours: a.ebikeHours + b.ebikeHours,
  emptyHours: a.emptyHours + b.emptyHours,
  fullHours: a.fullHours + b.fullHours,
});
const NONE: Sums = {
  days: 0,
  taken: 0,
  expected: 0,
  coveredHours: 0,
  bikeHours: 0,
  mechanicalHours: 0,
  ebikeHours: 0,
  emptyHours: 0,
  fullHours: 0,
};
const meanBikes = (figures: readonly ReportFigure[]) => {
  const value = figures.find((f) => f.key === 'bikesAvailable.total')?.value;
  return typeof value === 'number' ? value : null;
};

/** Per day of the period: the sums its figures are made of, from its `station_status` rows. */
function perDaySql(source: string): string {
  return `SELECT day, count(*) AS taken, min(epoch(slot_end - slot_start)) / 60 AS slot_minutes, sum(h) AS covered,
      sum(bikes * h) AS bikes, sum(mechanical * h) AS mechanical, sum(ebike * h) AS ebike,
      sum(empty_n * h) AS empty, sum(full_n * h) AS full
    FROM (SELECT day, slot_start, slot_end, epoch(slot_end - slot_start) / 3600 AS h,
            sum(bikes) AS bikes, sum(mechanical) AS mechanical, sum(ebike) AS ebike,
            count(*) FILTER (WHERE bikes = 0 AND installed AND renting) AS empty_n,
            count(*) FILTER (WHERE docks = 0 AND installed AND "returning") AS full_n
          FROM (${source}) GROUP BY day, slot_start, slot_end)
    GROUP BY day ORDER BY day`;
}

export const velibReport: DatasetReport<unknown> = {
  tables: [STATUS_TABLE],

  day({ date, metrics }) {
    const m = dayMetrics.parse(metrics);
    const { start, end } = parisDayBounds(date);
    const figures: ReportFigure[] = [
      {
        key: 'completeness',
        label: 'Snapshot coverage',
        value: m.coverage,
        format: 'percent',
        note: `${m.slots.taken} of ${m.slots.expected} slots of ${m.slotMinutes} min`,
      },
      { key: 'slots.taken', label: 'Slots taken', value: m.slots.taken, detail: true },
      { key: 'slots.expected', label: 'Slots of the day', value: m.slots.expected, detail: true },
      {
        key: 'bikesAvailable.total',
        label: 'Bikes available',
        value: m.bikesAvailable.total,
        digits: 0,
        note: 'time-weighted',
      },
      { key: 'bikesAvailable.mechanical', label: 'Mechanical', value: m.bikesAvailable.mechanical, digits: 0 },
      { key: 'bikesAvailable.electric', label: 'Electric', value: m.bikesAvailable.electric, digits: 0 },
      { key: 'stationHours.empty', label: 'Station-hours empty', value: m.stationHours.empty, unit: 'h', digits: 0 },
      { key: 'stationHours.full', label: 'Station-hours full', value: m.stationHours.full, unit: 'h', digits: 0 },
      {
        key: 'stations.reporting',
        label: 'Stations',
        value: m.stations.reporting,
        note: `${m.stations.listed} listed`,
      },
      { key: 'stations.neverReporting', label: 'Never reporting', value: m.stations.neverReporting, note: 'stations' },
    ];
    return Promise.resolve({
      title: TITLE,
      summary:
        `${m.slots.taken} of ${m.slots.expected} snapshots taken, ${count(m.bikesAvailable.total)} bikes available on average ` +
        `(${count(m.bikesAvailable.mechanical)} mechanical, ${count(m.bikesAvailable.electric)} electric), ` +
        `${count(m.stationHours.empty)} station-hours empty and ${count(m.stationHours.full)} full`,
      notes: NOTES,
      figures,
      charts: [
        {
          kind: 'time',
          id: 'cityflow-velib-bikes',
          title: 'Bikes available',
          caption: `Bikes available in every station, per slot of ${m.slotMinutes} min (Paris day); a missed slot is left empty`,
          unit: 'bikes',
          style: 'stacked',
          instants: m.series.map((s) => Date.parse(s.at)),
          from: start.getTime(),
          to: end.getTime(),
          series: [
            {
              id: 'mechanical',
              label: 'Mechanical',
              colour: MECHANICAL_COLOUR,
              values: m.series.map((s) => s.mechanical),
            },
            { id: 'electric', label: 'Electric', colour: ELECTRIC_COLOUR, values: m.series.map((s) => s.electric) },
          ],
          includeZero: true,
        },
      ],
      tables: [
        {
          id: 'cityflow-velib-volatile',
          title: 'Most volatile stations',
          columns: ['station', 'name', 'bikes moved (Σ|Δ|)', 'snapshots'],
          rows: m.mostVolatile.map((s) => [s.code ?? String(s.stationId), s.name, s.moves, s.snapshots]),
        },
      ],
    });
  },

  async period({ kind, db, days }) {
    const source = periodRowsSql(days, STATUS_TABLE);
    const perDay = source === null ? [] : (await db.runAndReadAll(perDaySql(source))).getRowObjects();
    const rows = perDay.map((r) => ({
      date: String(r.day),
      sums: {
        days: 1,
        taken: Number(r.taken),
        expected: daySlots(String(r.day), Number(r.slot_minutes)).length,
        coveredHours: Number(r.covered ?? 0),
        bikeHours: Number(r.bikes ?? 0),
        mechanicalHours: Number(r.mechanical ?? 0),
        ebikeHours: Number(r.ebike ?? 0),
        emptyHours: Number(r.empty ?? 0),
        fullHours: Number(r.full ?? 0),
      },
    }));
    const months = [...new Set(rows.map((r) => r.date.slice(0, 7)))];
    const monthly = months.map((month) => ({
      month,
      figures: figuresOf(rows.filter((r) => r.date.startsWith(month)).reduce((a, r) => add(a, r.sums), NONE)),
    }));
    const daily = rows.map((r) => ({ date: r.date, figures: figuresOf(r.sums) }));
    const total = figuresOf(rows.reduce((a, r) => add(a, r.sums), NONE));
    const bikes: BarChart = {
      kind: 'bar',
      id: 'cityflow-velib-bikes',
      title: `Bikes available per ${kind === 'year' ? 'month' : 'day'}`,
      caption: 'Time-weighted over the slots taken',
      unit: 'bikes',
      categories: kind === 'year' ? months : rows.map((r) => r.date),
      axisLabels: kind === 'year' ? months.map((m) => m.slice(5)) : rows.map((r) => r.date.slice(8)),
      series: [
        {
          id: 'bikes',
          label: 'Bikes available',
          colour: MECHANICAL_COLOUR,
          values: (kind === 'year' ? monthly : daily).map((g) => meanBikes(g.figures)),
        },
      ],
      digits: 0,
    };
    const coverage = total.find((f) => f.key === 'completeness')?.value;
    return {
      title: TITLE,
      summary:
        `${rows.length} day(s) collected, ${typeof coverage === 'number' ? `${(coverage * 100).toFixed(1)} %` : 'no'} of their slots taken, ` +
        `${count(meanBikes(total))} bikes available on average`,
      notes: NOTES,
      figures: total,
      charts: [
        bikes,
        periodBarChart({
          kind,
          id: 'cityflow-velib-empty',
          seriesId: 'empty',
          measure: 'Station-hours empty',
          caption: 'Σ over the stations of the hours without a bike while renting',
          unit: 'h',
          colour: EMPTY_COLOUR,
          days: rows.map((r) => ({ date: r.date, value: r.sums.emptyHours })),
        }),
      ],
      tables: [],
      daily,
      monthly,
    };
  },
};
