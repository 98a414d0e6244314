/**
 * The eCO2mix sections of the reports. A day: its figures (consumption, peak, minimum, low-carbon
 * share, CO2 intensity, net imports, completeness, forecast error), the load curve against the
 * forecasts, the production mix, the energy by source, CO2 intensity and physical exchanges over
 * the Paris day. A month or a year: the same figures over the period (figures-sql.ts, the SQL the
 * daily metrics follow), consumption per day (and per month), the production mix per day or month.
 */
import { readInstantColumns, type InstantColumns } from '../../duckdb/read.js';
import { parisDayBounds } from '../../workflow-safe/partition.js';
import { datesOfMonth, datesOfYear, monthsOfYear } from '../../workflow-safe/periods.js';
import type { DatasetReport } from '../report-contract.js';
import type { BarChart, ChartSeries, ReportFigure, TimeChart } from '../report-views.js';
import { periodFigures, type Figures } from './figures-sql.js';
import {
  natureCountFigures,
  natureCounts,
  natureCountWords,
  natureFigures,
  natureSentence,
  periodNatures,
} from './report-nature.js';
import { COLOURS, PRODUCTION_SOURCES, SOURCE_COLOURS, SOURCE_LABELS } from './labels.js';
import { ECO2MIX_TABLE, type Eco2mixMeasure } from './record.js';

const TITLE = 'eCO2mix (RTE, France)';
const NOTES = [
  'eCO2mix units: power in MW (mean over each step), energy in MWh (power × step duration), CO2 intensity in gCO2/kWh. Net imports are positive when France imports.',
  "Source: RTE eCO2mix (national data), via the ODRÉ portal or RTE's downloadable files.",
];

type Metrics = Readonly<Record<string, unknown>>;

function at(metrics: Metrics, path: string): unknown {
  let value: unknown = metrics;
  for (const part of path.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

const numberAt = (m: Metrics, path: string) => (typeof at(m, path) === 'number' ? (at(m, path) as number) : null);
const textAt = (m: Metrics, path: string) => (typeof at(m, path) === 'string' ? (at(m, path) as string) : null);

const parisTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const clock = (iso: string | null) => (iso ? parisTime.format(new Date(iso)) : null);
/** One format per number of digits: making one costs more than formatting a day's figures with it. */
const groupings = new Map<number, Intl.NumberFormat>();
function grouped(value: number, digits = 0): string {
  let format = groupings.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-GB', { maximumFractionDigits: digits });
    groupings.set(digits, format);
  }
  return format.format(value);
}

function dayFigures(m: Metrics): ReportFigure[] {
  const peakAt = textAt(m, 'consumption.peakAt');
  const minAt = textAt(m, 'consumption.minAt');
  const completeness = numberAt(m, 'completeness');
  return [
    { key: 'points', label: 'Points', value: numberAt(m, 'points') },
    { key: 'expectedPoints', label: 'Expected points', value: numberAt(m, 'expectedPoints') },
    { key: 'consumption.energyMWh', label: 'Consumption', value: numberAt(m, 'consumption.energyMWh'), unit: 'MWh' },
    {
      key: 'consumption.peakMW',
      label: 'Peak',
      value: numberAt(m, 'consumption.peakMW'),
      unit: 'MW',
      ...(peakAt ? { note: `at ${clock(peakAt) ?? ''}` } : {}),
    },
    // The Peak tile says when: kept for the JSON and CSV only.
    { key: 'consumption.peakAt', label: 'Peak at', value: peakAt, format: 'instant', detail: true },
    {
      key: 'consumption.minMW',
      label: 'Minimum',
      value: numberAt(m, 'consumption.minMW'),
      unit: 'MW',
      ...(minAt ? { note: `at ${clock(minAt) ?? ''}` } : {}),
    },
    {
      key: 'production.lowCarbonSharePct',
      label: 'Low-carbon share',
      value: numberAt(m, 'production.lowCarbonSharePct'),
      unit: '%',
      digits: 1,
      note: 'of production',
    },
    {
      key: 'co2.meanIntensityGPerKWh',
      label: 'CO2 intensity',
      value: numberAt(m, 'co2.meanIntensityGPerKWh'),
      unit: 'gCO2/kWh',
      digits: 1,
      note: 'mean of the points',
    },
    {
      key: 'exchanges.netImportMWh',
      label: 'Net imports',
      value: numberAt(m, 'exchanges.netImportMWh'),
      unit: 'MWh',
      note: 'negative: France exports',
    },
    {
      key: 'completeness',
      label: 'Completeness',
      value: completeness,
      format: 'percent',
      note: `${numberAt(m, 'points') ?? '–'} of ${numberAt(m, 'expectedPoints') ?? '–'} points, ${textAt(m, 'source') ?? '–'} data`,
    },
    {
      key: 'forecast.dayAheadMAPEPct',
      label: 'Day-ahead forecast error',
      value: numberAt(m, 'forecast.dayAheadMAPEPct'),
      unit: '%',
      digits: 2,
      note: 'MAPE',
    },
  ];
}

/** `96 of 96 points (100 %), consumption 1,234 MWh, peak 56,000 MW at 19:00 Paris time, …`. */
function daySentence(m: Metrics): string {
  const parts: string[] = [];
  const points = numberAt(m, 'points');
  const expected = numberAt(m, 'expectedPoints');
  const completeness = numberAt(m, 'completeness');
  if (points !== null && expected !== null) {
    parts.push(`${points} of ${expected} points (${completeness === null ? '–' : grouped(completeness * 100, 1)} %)`);
  }
  const energy = numberAt(m, 'consumption.energyMWh');
  if (energy !== null) parts.push(`consumption ${grouped(energy)} MWh`);
  const peak = numberAt(m, 'consumption.peakMW');
  const peakAt = clock(textAt(m, 'consumption.peakAt'));
  if (peak !== null) parts.push(`peak ${grouped(peak)} MW${peakAt ? ` at ${peakAt} Paris time` : ''}`);
  const lowCarbon = numberAt(m, 'production.lowCarbonSharePct');
  if (lowCarbon !== null) parts.push(`low-carbon share ${grouped(lowCarbon, 1)} %`);
  const co2 = numberAt(m, 'co2.meanIntensityGPerKWh');
  if (co2 !== null) parts.push(`CO2 ${grouped(co2, 1)} gCO2/kWh`);
  const nature = natureSentence(m);
  return nature === null ? parts.join(', ') : `${parts.join(', ')}; ${nature}`;
}

function series(
  id: string,
  label: string,
  colour: string,
  values: ReadonlyArray<number | null>,
  dashed = false,
): ChartSeries {
  return { id, label, colour, values, ...(dashed ? { dashed } : {}) };
}

/** The columns the day's charts draw. */
const CHART_COLUMNS = [
  'consommation',
  'prevision_j1',
  'prevision_j',
  ...PRODUCTION_SOURCES,
  'taux_co2',
  'ech_physiques',
] as const satisfies readonly Eco2mixMeasure[];

type ChartColumn = (typeof CHART_COLUMNS)[number];

const NO_COLUMNS: InstantColumns<ChartColumn> = {
  instants: [],
  columns: Object.fromEntries(CHART_COLUMNS.map((name) => [name, []])) as Record<ChartColumn, never[]>,
};

function dayCharts(date: string, table: InstantColumns<ChartColumn>, m: Metrics): Array<TimeChart | BarChart> {
  const { start, end } = parisDayBounds(date);
  const frame = { from: start.getTime(), to: end.getTime() };
  const { columns } = table;
  /** The instants where one of `names` has a value, and each column's values there. */
  const withAny = <Name extends ChartColumn>(...names: Name[]) => {
    const rows = table.instants.flatMap((_, i) =>
      names.some((name) => (columns[name][i] ?? null) !== null) ? [i] : [],
    );
    const at = (name: Name) => rows.map((i) => columns[name][i] ?? null);
    return { instants: rows.map((i) => table.instants[i] ?? 0), at };
  };
  const load = withAny('consommation', 'prevision_j1', 'prevision_j');
  const mix = withAny(...PRODUCTION_SOURCES);
  const co2 = withAny('taux_co2');
  const exchanges = withAny('ech_physiques');
  const energy = PRODUCTION_SOURCES.map((s) => numberAt(m, `production.bySourceMWh.${s}`));
  return [
    {
      kind: 'time',
      style: 'line',
      ...frame,
      id: 'load-curve',
      title: 'Load curve',
      caption: 'Consumption against the forecasts made the day before (D-1) and the same day, MW.',
      unit: 'MW',
      instants: load.instants,
      series: [
        series('consommation', 'Consumption', COLOURS.consumption, load.at('consommation')),
        series('prevision_j1', 'Forecast D-1', COLOURS.forecast, load.at('prevision_j1'), true),
        series('prevision_j', 'Forecast same day', COLOURS.sameDayForecast, load.at('prevision_j'), true),
      ],
    },
    {
      kind: 'time',
      style: 'stacked',
      ...frame,
      id: 'production-mix',
      title: 'Production mix',
      caption: 'Production by source, stacked, MW (pumping, storage and exchanges excluded).',
      unit: 'MW',
      instants: mix.instants,
      series: PRODUCTION_SOURCES.map((s) => series(s, SOURCE_LABELS[s], SOURCE_COLOURS[s], mix.at(s))),
    },
    {
      kind: 'bar',
      id: 'production-energy',
      title: 'Energy by source',
      caption: 'Production of the day by source, MWh.',
      unit: 'MWh',
      categories: PRODUCTION_SOURCES.map((s) => SOURCE_LABELS[s]),
      axisLabels: PRODUCTION_SOURCES.map((s) => SOURCE_LABELS[s]),
      series: PRODUCTION_SOURCES.map((s, i) =>
        series(
          s,
          SOURCE_LABELS[s],
          SOURCE_COLOURS[s],
          energy.map((v, j) => (j === i ? v : null)),
        ),
      ),
      stacked: true,
    },
    {
      kind: 'time',
      style: 'line',
      ...frame,
      id: 'co2-intensity',
      title: 'CO2 intensity',
      caption: 'CO2 emitted per kWh produced in France, gCO2/kWh.',
      unit: 'gCO2/kWh',
      instants: co2.instants,
      series: [series('taux_co2', 'CO2 intensity', COLOURS.co2, co2.at('taux_co2'))],
    },
    {
      kind: 'time',
      style: 'line',
      ...frame,
      id: 'exchanges',
      includeZero: true,
      title: 'Physical exchanges',
      caption: 'Net physical flow at the borders, MW: positive when France imports, negative when it exports.',
      unit: 'MW',
      instants: exchanges.instants,
      series: [series('ech_physiques', 'Net imports', COLOURS.exchanges, exchanges.at('ech_physiques'))],
    },
  ];
}

/** Production of the period by source and in total: details of the JSON and CSV. */
function productionFigures(f: Figures | null): ReportFigure[] {
  return [
    {
      key: 'production.totalMWh',
      label: 'Production',
      value: f?.production.totalMWh ?? null,
      unit: 'MWh',
      detail: true,
    },
    ...PRODUCTION_SOURCES.map((s): ReportFigure => ({
      key: `production.bySourceMWh.${s}`,
      label: SOURCE_LABELS[s],
      value: f?.production.bySourceMWh[s] ?? null,
      unit: 'MWh',
      detail: true,
    })),
  ];
}

/** The figures a period shows per day or month and in total (the table columns and the CSV). */
function periodFiguresOf(f: Figures | null): ReportFigure[] {
  return [
    {
      key: 'completeness',
      label: 'Completeness',
      value: f && f.expectedPoints > 0 ? f.points / f.expectedPoints : null,
      format: 'percent',
    },
    { key: 'points', label: 'Points', value: f?.points ?? null },
    { key: 'consumption.energyMWh', label: 'Consumption', value: f?.consumption.energyMWh ?? null, unit: 'MWh' },
    { key: 'consumption.peakMW', label: 'Peak', value: f?.consumption.peakMW ?? null, unit: 'MW' },
    {
      key: 'production.lowCarbonSharePct',
      label: 'Low-carbon',
      value: f?.production.lowCarbonSharePct ?? null,
      unit: '%',
      digits: 1,
    },
    {
      key: 'co2.meanIntensityGPerKWh',
      label: 'CO2',
      value: f?.co2.meanIntensityGPerKWh ?? null,
      unit: 'gCO2/kWh',
      digits: 1,
    },
    { key: 'exchanges.netImportMWh', label: 'Net imports', value: f?.exchanges.netImportMWh ?? null, unit: 'MWh' },
    ...productionFigures(f),
  ];
}

function totalFigures(f: Figures | null): ReportFigure[] {
  const peakAt = f?.consumption.peakAt ?? null;
  return [
    {
      key: 'consumption.energyMWh',
      label: 'Consumption',
      value: f?.consumption.energyMWh ?? null,
      unit: 'MWh',
      note: 'sum of the days',
    },
    {
      key: 'consumption.peakMW',
      label: 'Peak',
      value: f?.consumption.peakMW ?? null,
      unit: 'MW',
      note: peakAt ? `${peakAt.slice(0, 10)} at ${clock(peakAt) ?? ''}` : 'highest daily peak',
    },
    // The Peak tile says when: kept for the JSON and CSV only.
    { key: 'consumption.peakAt', label: 'Peak at', value: peakAt, format: 'instant', detail: true },
    {
      key: 'consumption.meanMW',
      label: 'Mean load',
      value: f?.consumption.meanMW ?? null,
      unit: 'MW',
      note: 'mean of every point',
    },
    {
      key: 'production.lowCarbonSharePct',
      label: 'Low-carbon share',
      value: f?.production.lowCarbonSharePct ?? null,
      unit: '%',
      digits: 1,
      note: 'of production',
    },
    {
      key: 'co2.meanIntensityGPerKWh',
      label: 'CO2 intensity',
      value: f?.co2.meanIntensityGPerKWh ?? null,
      unit: 'gCO2/kWh',
      digits: 1,
      note: 'mean of every point',
    },
    {
      key: 'exchanges.netImportMWh',
      label: 'Net imports',
      value: f?.exchanges.netImportMWh ?? null,
      unit: 'MWh',
      note: 'negative: France exports',
    },
    { key: 'points', label: 'Points', value: f?.points ?? null },
    ...productionFigures(f),
  ];
}

const dayLabel = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
});
const monthLabel = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' });
const shortMonth = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'short' });

interface Column {
  readonly label: string;
  readonly figures: Figures | null;
}

function energyBars(
  id: string,
  title: string,
  caption: string,
  columns: readonly Column[],
  labels: string[],
): BarChart {
  return {
    kind: 'bar',
    id,
    title,
    caption,
    unit: 'MWh',
    categories: columns.map((c) => c.label),
    axisLabels: labels,
    series: [
      series(
        'consumption',
        'Consumption',
        COLOURS.consumption,
        columns.map((c) => c.figures?.consumption.energyMWh ?? null),
      ),
    ],
  };
}

function mixBars(id: string, caption: string, columns: readonly Column[], labels: string[]): BarChart {
  return {
    kind: 'bar',
    id,
    title: 'Production mix',
    caption,
    unit: 'MWh',
    categories: columns.map((c) => c.label),
    axisLabels: labels,
    stacked: true,
    series: PRODUCTION_SOURCES.map((s) =>
      series(
        s,
        SOURCE_LABELS[s],
        SOURCE_COLOURS[s],
        columns.map((c) => c.figures?.production.bySourceMWh[s] ?? null),
      ),
    ),
  };
}

export const eco2mixReport: DatasetReport<unknown> = {
  tables: [ECO2MIX_TABLE],

  async day({ date, db, metrics, tables }) {
    const table = tables[ECO2MIX_TABLE];
    const columns = table ? await readInstantColumns(db, table, CHART_COLUMNS) : NO_COLUMNS;
    return {
      title: TITLE,
      notes: NOTES,
      summary: daySentence(metrics),
      figures: [...dayFigures(metrics), ...natureFigures(metrics)],
      charts: dayCharts(date, columns, metrics),
      tables: [],
    };
  },

  async period({ kind, period, db, days }) {
    const tables = days.flatMap((d) => {
      const path = d.tables[ECO2MIX_TABLE];
      return path ? [{ date: d.date, path, hours: parisDayBounds(d.date).hours }] : [];
    });
    const figures = await periodFigures(db, tables);
    const natures = await periodNatures(db, tables);
    const counts = natureCounts(natures.values());
    const monthCounts = (month: string) =>
      natureCounts([...natures].filter(([date]) => date.startsWith(month)).map(([, nature]) => nature));
    const dates = kind === 'month' ? datesOfMonth(period) : datesOfYear(period);
    const dayColumns = dates.map((date) => ({
      label: dayLabel.format(new Date(`${date}T00:00:00Z`)),
      figures: figures.byDay.get(date) ?? null,
    }));
    const charts: BarChart[] = [];
    if (kind === 'month') {
      const labels = dates.map((d, i) => (i === 0 || (i + 1) % 5 === 0 ? String(Number(d.slice(8))) : ''));
      charts.push(
        energyBars('daily-energy', 'Consumption per day', 'Energy consumed each Paris day, MWh.', dayColumns, labels),
        mixBars('daily-mix', 'Production of each Paris day by source, stacked, MWh.', dayColumns, labels),
      );
    } else {
      const months = monthsOfYear(period);
      const monthColumns = months.map((month) => ({
        label: monthLabel.format(new Date(`${month}-01T00:00:00Z`)),
        figures: figures.byMonth.get(month) ?? null,
      }));
      const monthLabels = months.map((month) => shortMonth.format(new Date(`${month}-01T00:00:00Z`)));
      const dayLabels = dates.map((d) => (d.endsWith('-01') ? shortMonth.format(new Date(`${d}T00:00:00Z`)) : ''));
      charts.push(
        energyBars(
          'monthly-energy',
          'Consumption per month',
          'Energy consumed each month, MWh.',
          monthColumns,
          monthLabels,
        ),
        mixBars('monthly-mix', 'Production of each month by source, stacked, MWh.', monthColumns, monthLabels),
        energyBars(
          'daily-energy',
          'Consumption per day',
          'Energy consumed each Paris day of the year, MWh.',
          dayColumns,
          dayLabels,
        ),
      );
    }
    const total = figures.total;
    return {
      title: TITLE,
      notes: NOTES,
      summary: total
        ? `${total.days} day(s) with data, consumption ${grouped(total.consumption.energyMWh ?? 0)} MWh, peak ${grouped(total.consumption.peakMW ?? 0)} MW; ${natureCountWords(counts)}`
        : 'no day with data',
      figures: [...totalFigures(total), ...natureCountFigures(counts)],
      charts,
      tables: [],
      daily: [...figures.byDay].map(([date, f]) => ({
        date,
        figures: [
          ...periodFiguresOf(f),
          { key: 'nature', label: 'Data', value: natures.get(date) ?? null, format: 'text' as const },
        ],
      })),
      monthly: [...figures.byMonth].map(([month, f]) => ({
        month,
        figures: [...periodFiguresOf(f), ...natureCountFigures(monthCounts(month), true)],
      })),
    };
  },
};
