/**
 * The daily report page: the summary, then for eCO2mix the load curve (consumption against the
 * day-ahead forecast), the production mix (stacked), CO2 intensity and physical exchanges over
 * the Paris day, then every dataset's status.
 */
import type { Eco2mixRecord } from '../../datasets/eco2mix/record.js';
import { parisDayBounds } from '../../shared/partition.js';
import { barChart } from '../charts/bar-chart.js';
import { timeLineChart, timeStackedChart } from '../charts/time-chart.js';
import type { DailySummary, ReportedDataset } from '../daily-summary.js';
import { COLOURS, PRODUCTION_SOURCES, SOURCE_COLOURS, SOURCE_LABELS } from '../../datasets/eco2mix/labels.js';
import { escapeHtml, formatNumber, longDay, parisClock, percent, withUnit } from '../format.js';
import { page, statusBadge, table, tile } from './layout.js';

export interface DailyPageInput {
  readonly date: string;
  readonly summary: DailySummary;
  readonly datasets: readonly ReportedDataset[];
  /** The day's eCO2mix series (one record per instant, merged), when it succeeded. */
  readonly eco2mix: readonly Eco2mixRecord[] | null;
}

function numberAt(metrics: Record<string, unknown> | null, path: string): number | null {
  let value: unknown = metrics;
  for (const part of path.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return typeof value === 'number' ? value : null;
}

function textAt(metrics: Record<string, unknown> | null, path: string): string | null {
  let value: unknown = metrics;
  for (const part of path.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return typeof value === 'string' ? value : null;
}

function eco2mixTiles(d: ReportedDataset): string {
  const m = d.metrics;
  const peakAt = textAt(m, 'consumption.peakAt');
  const minAt = textAt(m, 'consumption.minAt');
  return `<section class="tiles">${[
    tile('Consumption', withUnit(numberAt(m, 'consumption.energyMWh'), 'MWh')),
    tile('Peak', withUnit(numberAt(m, 'consumption.peakMW'), 'MW'), peakAt ? `at ${parisClock(peakAt)}` : undefined),
    tile('Minimum', withUnit(numberAt(m, 'consumption.minMW'), 'MW'), minAt ? `at ${parisClock(minAt)}` : undefined),
    tile('Low-carbon share', withUnit(numberAt(m, 'production.lowCarbonSharePct'), '%', 1), 'of production'),
    tile('CO2 intensity', withUnit(numberAt(m, 'co2.meanIntensityGPerKWh'), 'gCO2/kWh', 1), 'mean of the points'),
    tile('Net imports', withUnit(numberAt(m, 'exchanges.netImportMWh'), 'MWh'), 'negative: France exports'),
    tile(
      'Completeness',
      percent(d.completeness),
      `${formatNumber(numberAt(m, 'points'))} of ${formatNumber(numberAt(m, 'expectedPoints'))} points, ${textAt(m, 'source') ?? '–'} data`,
    ),
    tile('Day-ahead forecast error', withUnit(numberAt(m, 'forecast.dayAheadMAPEPct'), '%', 2), 'MAPE'),
  ].join('')}</section>`;
}

function eco2mixCharts(date: string, records: readonly Eco2mixRecord[], d: ReportedDataset): string {
  const { start, end } = parisDayBounds(date);
  const frame = { from: start.getTime(), to: end.getTime() };
  const withAny = (pick: (r: Eco2mixRecord) => ReadonlyArray<number | null>) =>
    records.filter((r) => pick(r).some((v) => v !== null));
  const instants = (rows: readonly Eco2mixRecord[]) => rows.map((r) => Date.parse(r.instant));

  const load = withAny((r) => [r.consommation, r.prevision_j1, r.prevision_j]);
  const mix = withAny((r) => PRODUCTION_SOURCES.map((s) => r[s]));
  const co2 = withAny((r) => [r.taux_co2]);
  const exchanges = withAny((r) => [r.ech_physiques]);
  const production = PRODUCTION_SOURCES.map((s) => ({
    label: SOURCE_LABELS[s],
    colour: SOURCE_COLOURS[s],
    value: numberAt(d.metrics, `production.bySourceMWh.${s}`),
  }));
  return [
    timeLineChart({
      ...frame,
      id: 'load-curve',
      title: 'Load curve',
      caption: 'Consumption against the forecasts made the day before (D-1) and the same day, MW.',
      unit: 'MW',
      instants: instants(load),
      series: [
        {
          id: 'consommation',
          label: 'Consumption',
          colour: COLOURS.consumption,
          values: load.map((r) => r.consommation),
        },
        {
          id: 'prevision_j1',
          label: 'Forecast D-1',
          colour: COLOURS.forecast,
          dashed: true,
          values: load.map((r) => r.prevision_j1),
        },
        {
          id: 'prevision_j',
          label: 'Forecast same day',
          colour: COLOURS.sameDayForecast,
          dashed: true,
          values: load.map((r) => r.prevision_j),
        },
      ],
    }),
    timeStackedChart({
      ...frame,
      id: 'production-mix',
      title: 'Production mix',
      caption: 'Production by source, stacked, MW (pumping, storage and exchanges excluded).',
      unit: 'MW',
      instants: instants(mix),
      series: PRODUCTION_SOURCES.map((s) => ({
        id: s,
        label: SOURCE_LABELS[s],
        colour: SOURCE_COLOURS[s],
        values: mix.map((r) => r[s]),
      })),
    }),
    barChart({
      id: 'production-energy',
      title: 'Energy by source',
      caption: 'Production of the day by source, MWh.',
      unit: 'MWh',
      categories: production.map((p) => p.label),
      axisLabels: production.map((p) => p.label),
      series: production.map((p, i) => ({
        id: PRODUCTION_SOURCES[i] ?? p.label,
        label: p.label,
        colour: p.colour,
        values: production.map((q, j) => (j === i ? q.value : null)),
      })),
      stacked: true,
    }),
    timeLineChart({
      ...frame,
      id: 'co2-intensity',
      title: 'CO2 intensity',
      caption: 'CO2 emitted per kWh produced in France, gCO2/kWh.',
      unit: 'gCO2/kWh',
      instants: instants(co2),
      series: [{ id: 'taux_co2', label: 'CO2 intensity', colour: COLOURS.co2, values: co2.map((r) => r.taux_co2) }],
    }),
    timeLineChart({
      ...frame,
      id: 'exchanges',
      includeZero: true,
      title: 'Physical exchanges',
      caption: 'Net physical flow at the borders, MW: positive when France imports, negative when it exports.',
      unit: 'MW',
      instants: instants(exchanges),
      series: [
        {
          id: 'ech_physiques',
          label: 'Net imports',
          colour: COLOURS.exchanges,
          values: exchanges.map((r) => r.ech_physiques),
        },
      ],
    }),
  ].join('');
}

function datasetsTable(datasets: readonly ReportedDataset[]): string {
  return table(
    ['dataset', 'status', 'rows read', 'written', 'rejected', 'completeness', 'error'],
    datasets.map((d) => [
      escapeHtml(d.dataset),
      statusBadge(d.status),
      formatNumber(d.rows?.read),
      formatNumber(d.rows?.written),
      formatNumber(d.rows?.rejected),
      percent(d.completeness),
      `<span class="note">${escapeHtml(d.error ?? '')}</span>`,
    ]),
  );
}

export function dailyReportHtml(input: DailyPageInput): string {
  const eco2mix = input.datasets.find((d) => d.dataset === 'eco2mix' && d.status === 'succeeded');
  const sections = [`<p>${statusBadge(input.summary.status)} ${escapeHtml(input.summary.text)}</p>`];
  if (eco2mix) {
    sections.push(eco2mixTiles(eco2mix));
    if (input.eco2mix) sections.push(eco2mixCharts(input.date, input.eco2mix, eco2mix));
  }
  sections.push('<h2>Datasets</h2>', datasetsTable(input.datasets));
  const { hours } = parisDayBounds(input.date);
  return page({
    kind: 'day',
    title: `France electricity — ${longDay(input.date)}`,
    subtitle: `The Paris day ${input.date} (${hours} hours).`,
    nav: [
      ['All reports', '../index.html'],
      [`Month ${input.date.slice(0, 7)}`, `../month=${input.date.slice(0, 7)}/monthly_report.html`],
      ['JSON', 'daily_report.json'],
      ['CSV', 'daily_report.csv'],
    ],
    body: sections.join('\n'),
  });
}
