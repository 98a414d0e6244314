/** The Paris traffic sections of the daily, monthly and annual reports. */
import { z } from 'zod';
import { parisDayBounds } from '../../shared/partition.js';
import type { DatasetReport, ReportFigure } from '../contract.js';
import { periodBarChart } from '../period-chart.js';
import { periodRowsSql } from '../period-days.js';
import { TRAFFIC_TABLE } from './transform.js';

const TITLE = 'Paris traffic counters';
const COLOUR = '#975a16';

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

  day({ date, metrics }) {
    const m = dayMetrics.parse(metrics);
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
    return Promise.resolve({
      title: TITLE,
      summary:
        `${m.arcsWithFlow} of ${m.arcs} arc(s) with a flow, ` +
        `${m.vehicles === null ? 'no' : Math.round(m.vehicles).toLocaleString('en')} vehicles counted`,
      notes: ['Each counted hour is shown at its start; the source stamps the end of the hour (t_1h).'],
      figures,
      charts: [
        {
          kind: 'time',
          id: 'cityflow-traffic-profile',
          title: 'Network profile',
          caption: 'Vehicles counted per hour on every arc, by the start of the hour; Paris day',
          unit: 'veh/h',
          style: 'line',
          instants: m.hourly.map((h) => Date.parse(h.at)),
          from: start.getTime(),
          to: end.getTime(),
          series: [{ id: 'vehicles', label: 'Vehicles', colour: COLOUR, values: m.hourly.map((h) => h.vehicles) }],
          includeZero: true,
        },
      ],
      tables: [
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
    });
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
