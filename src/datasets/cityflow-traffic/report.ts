/** The Paris traffic sections of the daily, monthly and annual reports. */
import { z } from 'zod';
import { parisDayBounds } from '../../workflow-safe/partition.js';
import type { DatasetReport } from '../report-contract.js';
import type { ReportFigure } from '../report-views.js';
import { periodBarChart } from '../period-chart.js';
import { periodRowsSql } from '../period-days.js';
import { TRAFFIC_TABLE } from './transform.js';
import { RAINY_HOUR_MM, WEATHER_BESIDE, weatherHours, type WeatherHour } from './weather-beside.js';

const TITLE = 'Paris traffic counters';
const COLOUR = '#975a16';
const RAIN_COLOUR = '#2b6cb0';

type Hourly = ReadonlyArray<{ readonly at: string; readonly vehicles: number | null }>;

/** Each hour of the profile with the weather of the same hour start (null where it has none). */
function besideWeather(hourly: Hourly, weather: readonly WeatherHour[]) {
  const byStart = new Map(weather.map((w) => [w.at, w]));
  return hourly.map((h) => ({ ...h, weather: byStart.get(Date.parse(h.at)) ?? null }));
}

const isRainy = (w: WeatherHour | null) => (w?.precipitationMm ?? 0) >= RAINY_HOUR_MM;

/** The weather's part of the section: rainy hours marked on the profile, an hour-by-hour table, a sentence. */
function weatherParts(hourly: Hourly, weather: readonly WeatherHour[]) {
  const hours = besideWeather(hourly, weather);
  const temperatures = weather.flatMap((w) => (w.temperatureC === null ? [] : [w.temperatureC]));
  const rainy = hours.filter((h) => isRainy(h.weather));
  const rainyVehicles = rainy.flatMap((h) => (h.vehicles === null ? [] : [h.vehicles]));
  const dryVehicles = hours
    .filter((h) => !isRainy(h.weather))
    .flatMap((h) => (h.vehicles === null ? [] : [h.vehicles]));
  const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
  const sentence =
    temperatures.length === 0
      ? ''
      : `; ${rainy.length} rainy hour(s), ${Math.min(...temperatures).toFixed(1)} to ${Math.max(...temperatures).toFixed(1)} °C`;
  return {
    sentence,
    figures: [
      { key: 'rainyHours', label: 'Rainy hours', value: rainy.length, note: `≥ ${RAINY_HOUR_MM} mm in the hour` },
      {
        key: 'vehiclesPerRainyHour',
        label: 'Vehicles per rainy hour',
        value: mean(rainyVehicles),
        unit: 'veh/h',
        digits: 0,
      },
      { key: 'vehiclesPerDryHour', label: 'Vehicles per dry hour', value: mean(dryVehicles), unit: 'veh/h', digits: 0 },
    ] satisfies ReportFigure[],
    series: {
      id: 'rainy-hours',
      label: 'Rainy hour',
      colour: RAIN_COLOUR,
      points: true,
      values: hours.map((h) => (isRainy(h.weather) ? h.vehicles : null)),
    },
    table: {
      id: 'cityflow-traffic-weather',
      title: 'Traffic against the weather, hour by hour',
      columns: ['hour (Paris)', 'vehicles', 'temperature (°C)', 'precipitation (mm)'],
      rows: hours.map((h) => [
        new Date(h.at).toLocaleTimeString('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }),
        h.vehicles,
        h.weather?.temperatureC ?? null,
        h.weather?.precipitationMm ?? null,
      ]),
    },
  };
}

/** What the report reads of the day's metrics document. */
const dayMetrics = z.object({
  arcs: z.number(),
  arcsWithFlow: z.number(),
  vehicles: z.number().nullable(),
  meanOccupancyPct: z.number().nullable(),
  completeness: z.number(),
  arcHoursByState: z.record(z.string(), z.number()),
  busiestArcs: z.array(z.object({ arcId: z.string(), label: z.string(), vehicles: z.number().nullable() })),
  hourly: z.array(z.object({ at: z.iso.datetime(), vehicles: z.number().nullable() })),
});

export const trafficReport: DatasetReport<unknown> = {
  tables: [TRAFFIC_TABLE],
  alongside: [WEATHER_BESIDE],

  async day({ date, db, metrics, alongside }) {
    const m = dayMetrics.parse(metrics);
    const weatherFile = alongside[`${WEATHER_BESIDE.dataset}/${WEATHER_BESIDE.table}`];
    const weather = weatherFile === undefined ? null : weatherParts(m.hourly, await weatherHours(db, weatherFile));
    const { start, end } = parisDayBounds(date);
    const figures: ReportFigure[] = [
      { key: 'vehicles', label: 'Vehicles counted', value: m.vehicles, unit: 'veh', digits: 0, note: 'Σ hourly flow' },
      { key: 'arcs', label: 'Arcs', value: m.arcs },
      { key: 'arcsWithFlow', label: 'Arcs with a flow', value: m.arcsWithFlow },
      { key: 'meanOccupancyPct', label: 'Mean occupancy', value: m.meanOccupancyPct, unit: '%', digits: 1 },
      {
        key: 'completeness',
        label: 'Completeness',
        value: m.completeness,
        format: 'percent',
        note: 'hours with a flow',
      },
    ];
    return {
      title: TITLE,
      summary:
        `${m.arcsWithFlow} of ${m.arcs} arc(s) with a flow, ` +
        `${m.vehicles === null ? 'no' : Math.round(m.vehicles).toLocaleString('en')} vehicles counted` +
        (weather?.sentence ?? ''),
      notes: [
        'Each counted hour is shown at its start; the source stamps the end of the hour (t_1h).',
        ...(weather ? ['Weather: the Paris weather dataset of the same day (Open-Meteo), hour by hour start.'] : []),
      ],
      figures: [...figures, ...(weather?.figures ?? [])],
      charts: [
        {
          kind: 'time',
          id: 'cityflow-traffic-profile',
          title: 'Network profile',
          caption: `Vehicles counted per hour on every arc, by the start of the hour; Paris day${weather ? `; dots: hours with ≥ ${RAINY_HOUR_MM} mm of rain` : ''}`,
          unit: 'veh/h',
          style: 'line',
          instants: m.hourly.map((h) => Date.parse(h.at)),
          from: start.getTime(),
          to: end.getTime(),
          series: [
            { id: 'vehicles', label: 'Vehicles', colour: COLOUR, values: m.hourly.map((h) => h.vehicles) },
            ...(weather ? [weather.series] : []),
          ],
          includeZero: true,
        },
      ],
      tables: [
        ...(weather ? [weather.table] : []),
        {
          id: 'cityflow-traffic-busiest',
          title: 'Busiest arcs',
          columns: ['arc', 'name', 'vehicles'],
          rows: m.busiestArcs.map((a) => [a.arcId, a.label, a.vehicles]),
        },
        {
          id: 'cityflow-traffic-states',
          title: 'Arc-hours by traffic state',
          columns: ['state', 'arc-hours'],
          rows: Object.entries(m.arcHoursByState).map(([state, n]) => [state, n]),
        },
      ],
    };
  },

  async period({ kind, db, days }) {
    const source = periodRowsSql(days, TRAFFIC_TABLE);
    const perDay =
      source === null
        ? []
        : (
            await db.runAndReadAll(
              `SELECT day, round(sum(q::DECIMAL(18, 3)), 3)::DOUBLE AS vehicles, count(DISTINCT arc_id) AS arcs FROM (${source}) GROUP BY day ORDER BY day`,
            )
          ).getRowObjects();
    const rows = perDay.map((r) => ({ date: String(r.day), vehicles: Number(r.vehicles ?? 0), arcs: Number(r.arcs) }));
    const figuresOf = (group: typeof rows): ReportFigure[] => [
      { key: 'days', label: 'Days', value: group.length },
      {
        key: 'vehicles',
        label: 'Vehicles counted',
        value: Math.round(group.reduce((n, r) => n + r.vehicles, 0) * 1e3) / 1e3,
        unit: 'veh',
        digits: 0,
      },
    ];
    const months = [...new Set(rows.map((r) => r.date.slice(0, 7)))];
    const total = figuresOf(rows);
    return {
      title: TITLE,
      summary: `${rows.length} day(s) counted, ${Math.round(Number(total[1]?.value ?? 0)).toLocaleString('en')} vehicles`,
      figures: total,
      charts: [
        periodBarChart({
          kind,
          id: 'cityflow-traffic-vehicles',
          seriesId: 'vehicles',
          measure: 'Vehicles counted',
          caption: 'Σ hourly flow on every arc',
          unit: 'veh',
          colour: COLOUR,
          days: rows.map((r) => ({ date: r.date, value: r.vehicles })),
        }),
      ],
      tables: [],
      daily: rows.map((r) => ({ date: r.date, figures: figuresOf([r]) })),
      monthly: months.map((month) => ({ month, figures: figuresOf(rows.filter((r) => r.date.startsWith(month))) })),
    };
  },
};
