/**
 * eCO2mix days follow RTE's revisions: a day whose points are real time is provisional, and so is a
 * consolidated day until it is definitive. The revised-days check asks ODRÉ once per range (one
 * aggregate of the consolidated dataset, per day and nature) which provisional days now have a
 * newer nature on every half-hour; it takes only those days' consolidated export and runs them
 * again. A newer nature published for part of a day only, or with every value `ND`, leaves the day
 * on its data and says why in its record. Precedence (nature.ts): an older nature never replaces a
 * newer one, whether it comes from ODRÉ or from an imported RTE file.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { BadDataError } from '../../workflow-safe/errors.js';
import { parisDayBounds } from '../../workflow-safe/partition.js';
import type { DayRevisions, RangeRevisions, RangeVerdict } from '../capabilities/revisions.js';
import type { DayDocument } from '../capabilities/status-notes.js';
import type { DayFile } from '../inputs.js';
import type { Eco2mixConfig } from './dataset.js';
import { ECO2MIX_NATURES, NATURE_RANK_SQL, natureOf, natureRank, natureOfRank, type Eco2mixNature } from './nature.js';
import { READABLE_ROW, readEco2mixExports } from './read-exports.js';
import { eco2mixSourceOf } from './sources.js';

const CONSOLIDATED_DATASET = 'eco2mix-national-cons-def';
const ROWS_TABLE = 'eco2mix_revision_rows';

/** The nature a day's metrics say it holds; days measured before `nature` was kept read it from `source`. */
export function dayNature(metrics: Readonly<Record<string, unknown>>): Eco2mixNature | null {
  const parsed = z.enum(ECO2MIX_NATURES).nullable().safeParse(metrics.nature);
  if (parsed.success && metrics.nature !== undefined) return parsed.data;
  if (metrics.source === 'consolidated') return 'consolidated';
  return metrics.source === 'realtime' || metrics.source === 'mixed' ? 'realtime' : null;
}

/** `2025-08-21T22:00:00Z`: an ODSQL datetime literal. */
const odsql = (instant: Date) => instant.toISOString().replace('.000Z', 'Z');

/** One group of the aggregate: a Paris day (RTE's `date`), a nature, its rows and those with consumption. */
const groupSchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}/),
  nature: z.string().nullable(),
  n_rows: z.number().int().nonnegative(),
  n_points: z.number().int().nonnegative(),
});

/** What a newer nature published for part of a day leaves the day on, in words. */
function heldReason(nature: Eco2mixNature, held: Eco2mixNature, points: number, halfHours: number): string {
  const stays = `the day stays on its ${held === 'realtime' ? 'real-time' : held} data`;
  return points === 0
    ? `${nature} data published for the day has no consumption value (all ND): ${stays}`
    : `${nature} data published for the day covers ${points} of its ${halfHours} half-hours: ${stays}`;
}

function verdictOf(day: DayDocument, groups: ReadonlyArray<z.infer<typeof groupSchema>>): RangeVerdict {
  const held = dayNature(day.metrics) ?? 'realtime';
  const halfHours = parisDayBounds(day.date).hours * 2;
  const newer = groups
    .filter((g) => g.date.slice(0, 10) === day.date)
    .map((g) => ({ nature: natureOf('consolidated', g.nature), points: g.n_points }))
    .filter((g) => natureRank(g.nature) > natureRank(held))
    .sort((a, b) => natureRank(b.nature) - natureRank(a.nature));
  if (newer.some((g) => g.points >= halfHours)) return { date: day.date, revised: true };
  const [best] = newer;
  return {
    date: day.date,
    revised: false,
    reason: best ? heldReason(best.nature, held, best.points, halfHours) : null,
  };
}

export const eco2mixRangeRevisions: RangeRevisions<Eco2mixConfig> = {
  url(from, to, config) {
    const where = `date_heure >= '${odsql(parisDayBounds(from).start)}' AND date_heure < '${odsql(parisDayBounds(to).end)}'`;
    const query = new URLSearchParams({
      select: 'date, nature, count(date_heure) as n_rows, count(consommation) as n_points',
      where,
      group_by: 'date, nature',
      timezone: 'UTC',
    });
    const base = config.baseUrl.replace(/\/+$/, '');
    return `${base}/api/explore/v2.1/catalog/datasets/${CONSOLIDATED_DATASET}/exports/json?${query.toString()}`;
  },
  read({ body, file, days }) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch (error) {
      throw new BadDataError({ file }, 'the aggregate of consolidated days is not JSON', { cause: error });
    }
    const groups = z.array(groupSchema).safeParse(json);
    if (!groups.success)
      throw new BadDataError(
        { file },
        `the aggregate of consolidated days is not a list of {date, nature, n_rows, n_points}: ${groups.error.issues[0]?.message ?? ''}`,
      );
    return days.map((day) => verdictOf(day, groups.data));
  },
};

/** The newest nature a file holds on the day with consumption, and on how many half-hours. */
async function newestOf(
  db: DuckDBConnection,
  date: string,
  file: DayFile,
): Promise<{ nature: Eco2mixNature; halfHours: number } | null> {
  const { start, end } = parisDayBounds(date);
  try {
    await readEco2mixExports(
      db,
      [{ path: file.path, file: file.key, source: eco2mixSourceOf(file.source), order: 0 }],
      ROWS_TABLE,
    );
    const reader = await db.runAndReadAll(
      `SELECT rank, count(DISTINCT instant) FILTER (WHERE minute(instant) % 30 = 0)::INTEGER FROM (
         SELECT ${NATURE_RANK_SQL} AS rank, instant FROM ${ROWS_TABLE}
         WHERE ${READABLE_ROW} AND consommation IS NOT NULL
           AND instant >= '${start.toISOString()}'::TIMESTAMPTZ AND instant < '${end.toISOString()}'::TIMESTAMPTZ)
       GROUP BY rank ORDER BY rank DESC LIMIT 1`,
    );
    const [row] = z.array(z.tuple([z.number(), z.number()])).parse(reader.getRowsJson());
    return row ? { nature: natureOfRank(row[0]), halfHours: row[1] } : null;
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${ROWS_TABLE}`);
  }
}

type Summary = Record<string, number | string | null>;

function summaryOf(metrics: Readonly<Record<string, unknown>>): Summary {
  const at = (group: string, key: string): number | null => {
    const value = (metrics[group] as Record<string, unknown> | undefined)?.[key];
    return typeof value === 'number' ? value : null;
  };
  return {
    nature: dayNature(metrics),
    energyMWh: at('consumption', 'energyMWh'),
    peakMW: at('consumption', 'peakMW'),
    lowCarbonSharePct: at('production', 'lowCarbonSharePct'),
  };
}

const minus = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' ? a - b : null);

export const eco2mixRevisions: DayRevisions<Eco2mixConfig> = {
  source: 'consolidated',
  provisional: (metrics) => {
    const nature = dayNature(metrics);
    return nature !== null && nature !== 'definitive';
  },
  async revised({ db, date, file }) {
    const newest = await newestOf(db, date, file);
    return newest !== null && newest.nature !== 'realtime' && newest.halfHours >= parisDayBounds(date).hours * 2;
  },
  range: eco2mixRangeRevisions,
  async replaces({ db, date, stored, incoming }) {
    const before = await newestOf(db, date, stored);
    const after = await newestOf(db, date, incoming);
    if (before === null || natureRank(after?.nature ?? 'realtime') >= natureRank(before.nature)) return null;
    return `it holds ${after?.nature ?? 'no'} data while the stored file holds ${before.nature} data: an older nature never replaces a newer one`;
  },
  compare(previous, current) {
    const before = summaryOf(previous);
    const after = summaryOf(current);
    const energy = minus(after.energyMWh, before.energyMWh);
    return {
      previous: before,
      change: {
        energyMWh: energy,
        energyPct:
          energy !== null && typeof before.energyMWh === 'number' && before.energyMWh !== 0
            ? (100 * energy) / before.energyMWh
            : null,
        peakMW: minus(after.peakMW, before.peakMW),
        lowCarbonSharePctPoints: minus(after.lowCarbonSharePct, before.lowCarbonSharePct),
      },
    };
  },
};
