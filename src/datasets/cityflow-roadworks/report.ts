/** The Paris roadworks sections of the daily, monthly and annual reports. */
import { z } from 'zod';
import { PARTITION_TIMEZONE } from '../../workflow-safe/partition.js';
import type { DatasetReport } from '../report-contract.js';
import type { BarChart, ReportFigure } from '../report-views.js';
import { periodRowsSql } from '../period-days.js';
import { IMPACTS, UNKNOWN } from './metrics.js';
import { ROADWORKS_TABLE } from './transform.js';

const TITLE = 'Paris roadworks';
const COLOUR = '#b7791f';
const RULE =
  'A work is active on a day when its start ≤ the day ≤ its end, both days included; works without usable dates are kept but never active.';

/** What the report reads of the day's metrics document. */
const dayMetrics = z.object({
  snapshot: z.object({ slot: z.string().nullable(), takenAt: z.iso.datetime().nullable() }),
  works: z.number(),
  active: z.number(),
  startedOnDay: z.number(),
  endedOnDay: z.number(),
  undated: z.number(),
  activeByImpact: z.record(z.string(), z.number()),
  activeByArrondissement: z.record(z.string(), z.number()),
  biggestActive: z.array(
    z.object({
      street: z.string().nullable(),
      object: z.string().nullable(),
      starts: z.string().nullable(),
      ends: z.string().nullable(),
      impact: z.string(),
      arrondissement: z.string().nullable(),
    }),
  ),
  completeness: z.number(),
});

const parisTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: PARTITION_TIMEZONE,
  hour: '2-digit',
  minute: '2-digit',
});

/** `75018` → `18`, `75116` → `16`; anything else as it is. */
const arrondissementLabel = (code: string) => {
  const match = /^75(\d{3})$/.exec(code);
  return match?.[1] === undefined ? code : String(Number(match[1]) % 100);
};

/** A bar of active works per category, e.g. per impact. */
function bars(
  id: string,
  title: string,
  caption: string,
  counts: ReadonlyArray<readonly [string, number]>,
  label: (category: string) => string = (category) => category,
): BarChart {
  return {
    kind: 'bar',
    id,
    title,
    caption,
    unit: 'works',
    categories: counts.map(([k]) => k),
    axisLabels: counts.map(([k]) => label(k)),
    series: [{ id: 'active', label: 'Active works', colour: COLOUR, values: counts.map(([, n]) => n) }],
    digits: 0,
  };
}

export const roadworksReport: DatasetReport<unknown> = {
  tables: [ROADWORKS_TABLE],

  day({ date, metrics }) {
    const m = dayMetrics.parse(metrics);
    const taken = m.snapshot.takenAt === null ? null : parisTime.format(new Date(m.snapshot.takenAt));
    const closed = m.activeByImpact.BARRAGE_TOTAL ?? 0;
    const figures: ReportFigure[] = [
      { key: 'active', label: 'Active works', value: m.active, note: `of ${m.works} in the list` },
      { key: 'works', label: 'Works in the list', value: m.works },
      { key: 'startedOnDay', label: 'Starting on the day', value: m.startedOnDay },
      { key: 'endedOnDay', label: 'Ending on the day', value: m.endedOnDay },
      { key: 'closures', label: 'Roads closed', value: closed, note: 'active, BARRAGE_TOTAL' },
      { key: 'undated', label: 'Without usable dates', value: m.undated, note: 'kept, never active' },
      { key: 'snapshot.takenAt', label: 'List taken at', value: m.snapshot.takenAt, format: 'instant', detail: true },
      { key: 'completeness', label: 'Completeness', value: m.completeness, format: 'percent', note: 'list taken' },
    ];
    const impacts = [...IMPACTS, UNKNOWN].map((k) => [k, m.activeByImpact[k] ?? 0] as const);
    const others = Object.entries(m.activeByImpact).filter(([k]) => !impacts.some(([known]) => known === k));
    return Promise.resolve({
      title: TITLE,
      summary:
        `${m.active} of ${m.works} work(s) active on ${date} (${m.startedOnDay} starting, ${m.endedOnDay} ending), ` +
        `${closed} closing a road`,
      notes: [
        `From the list as the portal gave it${taken === null ? '' : ` at ${taken} (Paris)`} on ${date}: a current list, so a day is known only from a snapshot taken during it.`,
        RULE,
      ],
      figures,
      charts: [
        bars(
          'cityflow-roadworks-impact',
          'Active works by impact',
          'Works active on the day by their impact on traffic, strongest first',
          [...impacts, ...others],
        ),
        bars(
          'cityflow-roadworks-arrondissement',
          'Active works by arrondissement',
          'Works active on the day by the postal code of their arrondissement',
          Object.entries(m.activeByArrondissement),
          arrondissementLabel,
        ),
      ],
      tables: [
        {
          id: 'cityflow-roadworks-biggest',
          title: 'Active works with the biggest impact',
          columns: ['street', 'object', 'from', 'to', 'impact', 'arrondissement'],
          rows: m.biggestActive.map((w) => [w.street, w.object, w.starts, w.ends, w.impact, w.arrondissement]),
        },
      ],
    });
  },

  async period({ kind, db, days }) {
    const source = periodRowsSql(days, ROADWORKS_TABLE);
    const perDay =
      source === null
        ? []
        : (
            await db.runAndReadAll(
              `SELECT day, count(*) AS works, count(*) FILTER (WHERE active) AS active,
                 count(*) FILTER (WHERE starts = day::DATE) AS started, count(*) FILTER (WHERE ends = day::DATE) AS ended
               FROM (${source}) GROUP BY day ORDER BY day`,
            )
          ).getRowObjects();
    const rows = perDay.map((r) => ({
      date: String(r.day),
      works: Number(r.works),
      active: Number(r.active),
      started: Number(r.started),
      ended: Number(r.ended),
    }));
    const mean = (group: typeof rows) =>
      group.length === 0 ? null : Math.round((group.reduce((n, r) => n + r.active, 0) / group.length) * 10) / 10;
    const figuresOf = (group: typeof rows): ReportFigure[] => [
      { key: 'days', label: 'Days', value: group.length },
      { key: 'activeMean', label: 'Active works', value: mean(group), digits: 1, note: 'mean per day' },
      {
        key: 'activeMax',
        label: 'Most active works',
        value: group.length === 0 ? null : Math.max(...group.map((r) => r.active)),
      },
      { key: 'startedOnDay', label: 'Works started', value: group.reduce((n, r) => n + r.started, 0) },
      { key: 'endedOnDay', label: 'Works ended', value: group.reduce((n, r) => n + r.ended, 0) },
    ];
    const months = [...new Set(rows.map((r) => r.date.slice(0, 7)))];
    const perMonth = months.map((month) => rows.filter((r) => r.date.startsWith(month)));
    const active: BarChart = {
      kind: 'bar',
      id: 'cityflow-roadworks-active',
      title: `Active works per ${kind === 'year' ? 'month' : 'day'}`,
      caption:
        kind === 'year' ? 'Mean of the works active on each day with a list' : 'Works active on each day with a list',
      unit: 'works',
      categories: kind === 'year' ? months : rows.map((r) => r.date),
      axisLabels: kind === 'year' ? months.map((m) => m.slice(5)) : rows.map((r) => r.date.slice(8)),
      series: [
        {
          id: 'active',
          label: 'Active works',
          colour: COLOUR,
          values: kind === 'year' ? perMonth.map(mean) : rows.map((r) => r.active),
        },
      ],
      digits: kind === 'year' ? 1 : 0,
    };
    const total = figuresOf(rows);
    return {
      title: TITLE,
      summary: `${rows.length} day(s) with a list, ${mean(rows) ?? 0} active works a day on average`,
      notes: [
        'Days without a list taken during them have no data: the list is current, it cannot be read for a past day.',
        RULE,
      ],
      figures: total,
      charts: [active],
      tables: [],
      daily: rows.map((r) => ({ date: r.date, figures: figuresOf([r]) })),
      monthly: months.map((month, i) => ({ month, figures: figuresOf(perMonth[i] ?? []) })),
    };
  },
};
