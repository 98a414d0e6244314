/** The Enedis sections of the daily, monthly and annual reports. */
import { sqlString } from '../../parquet/columns.js';
import type { DatasetReport, ReportFigure } from '../contract.js';
import { INDEX_TABLE } from './day-transform.js';

const TITLE = 'Enedis meter readings';
const COLOUR = '#2f855a';
/** Index readings listed in a day report. */
const LISTED_READINGS = 40;

function numberAt(metrics: Readonly<Record<string, unknown>>, key: string): number | null {
  const value = metrics[key];
  return typeof value === 'number' ? value : null;
}

export const enedisReport: DatasetReport<unknown> = {
  tables: [INDEX_TABLE],

  async day({ db, metrics, tables }) {
    const readings = numberAt(metrics, 'readings');
    const prms = numberAt(metrics, 'prms');
    const flagged = numberAt(metrics, 'flagged');
    const figures: ReportFigure[] = [
      { key: 'readings', label: 'Index readings', value: readings },
      { key: 'prms', label: 'PRMs', value: prms },
      { key: 'estimated', label: 'Estimated readings', value: numberAt(metrics, 'estimated') },
      { key: 'flagged', label: 'Flagged readings', value: flagged, note: 'INCONNU class or DN999999 calendar' },
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
      summary: `${readings ?? 0} index reading(s) of ${prms ?? 0} PRM(s)${flagged ? `, ${flagged} flagged` : ''}`,
      notes: [
        'Indexes in kWh, Wh floored to whole kWh; an R151 date D is the index at the end of D (D+1 00:00 Paris).',
      ],
      figures,
      charts: [],
      tables: [
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

  async period({ kind, db, days }) {
    const files = days.map((d) => `(${sqlString(d.tables[INDEX_TABLE] ?? '')}, ${sqlString(d.date)})`);
    const perDay =
      days.length === 0
        ? []
        : (
            await db.runAndReadAll(
              `SELECT f.day, count(*) AS readings, count(DISTINCT prm) AS prms
               FROM read_parquet([${days.map((d) => sqlString(d.tables[INDEX_TABLE] ?? '')).join(', ')}], filename = true) r
               JOIN (VALUES ${files.join(', ')}) f(path, day) ON r.filename = f.path
               GROUP BY f.day ORDER BY f.day`,
            )
          ).getRowObjects();
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
    const total = figuresOf(rows);
    return {
      title: TITLE,
      summary: `${rows.length} day(s) with readings, ${String(total[1]?.value ?? 0)} index reading(s)`,
      figures: total,
      charts: [
        {
          kind: 'bar',
          id: 'enedis-readings',
          title: kind === 'year' ? 'Index readings per month' : 'Index readings per day',
          caption: 'Index readings kept, every flow',
          unit: 'readings',
          categories: kind === 'year' ? months : rows.map((r) => r.date),
          axisLabels: kind === 'year' ? months.map((m) => m.slice(5)) : rows.map((r) => r.date.slice(8)),
          series: [
            {
              id: 'readings',
              label: 'Index readings',
              colour: COLOUR,
              values:
                kind === 'year'
                  ? months.map((m) => rows.filter((r) => r.date.startsWith(m)).reduce((n, r) => n + r.readings, 0))
                  : rows.map((r) => r.readings),
            },
          ],
        },
      ],
      tables: [],
      daily: rows.map((r) => ({ date: r.date, figures: figuresOf([r]) })),
      monthly: months.map((month) => ({ month, figures: figuresOf(rows.filter((r) => r.date.startsWith(month))) })),
    };
  },
};
