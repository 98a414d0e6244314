/**
 * Faults injected into a real eCO2mix day, as the quality checks must see them: the systematic ones
 * a `block` check exists for, and the real-time publication glitch (one production column lagging
 * its neighbours at one to eight isolated quarter-hours, 1.8–7 % off at that point, measured on a
 * real month of February–March 2026) and its longer form (an hour and a half 3–5 % under, one column
 * at a time lagging) that must only warn. Random but seeded: the same seed gives the same fault.
 */
import { createHash } from 'node:crypto';
import { instantOf, type ApiRecord } from '../../src/datasets/eco2mix/export-csv.js';
import { ECO2MIX_MEASURES, type Eco2mixMeasure, type Eco2mixRecord } from '../../src/datasets/eco2mix/record.js';
import { PRODUCTION_SOURCES, type ProductionSource } from '../../src/datasets/eco2mix/labels.js';
import { parisDayBounds } from '../../src/workflow-safe/partition.js';

/** Numbers in [0, 1) drawn from a seed, the same sequence for the same seed. */
export function seededDraws(seed: string): () => number {
  let drawn = 0;
  return () => {
    drawn += 1;
    return createHash('sha256').update(`${seed}:${drawn}`).digest().readUInt32BE(0) / 2 ** 32;
  };
}

const pick = <T>(draw: () => number, items: readonly T[]): T => {
  const item = items[Math.floor(draw() * items.length)];
  if (item === undefined) throw new Error('nothing to pick from');
  return item;
};

/** What a glitch reads of a row: its instant, consumption and production columns. */
export type GlitchPoint = Pick<Eco2mixRecord, 'instant' | 'consommation' | ProductionSource>;

/** Real points (with consumption), ordered by instant. */
const realPoints = <T extends GlitchPoint>(day: readonly T[]): T[] =>
  [...day].filter((r) => r.consommation !== null).sort((a, b) => a.instant.localeCompare(b.instant));

/** The instants of `hours` hours of consecutive points from a random start (the window fits the day). */
function window(day: readonly Eco2mixRecord[], draw: () => number, hours: number): Set<string> {
  const points = realPoints(day);
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) throw new Error('a day without points');
  const span = hours * 3_600_000;
  const latest = Date.parse(last.instant) - span;
  const start = Date.parse(first.instant) + Math.floor(draw() * Math.max(latest - Date.parse(first.instant), 0));
  return new Set(
    points.map((r) => r.instant).filter((at) => Date.parse(at) >= start && Date.parse(at) <= start + span),
  );
}

const scaled = (r: Eco2mixRecord, columns: readonly Eco2mixMeasure[], factor: number): Eco2mixRecord => ({
  ...r,
  ...Object.fromEntries(columns.map((c) => [c, r[c] === null ? null : r[c] * factor])),
});

export interface Eco2mixFault {
  readonly name: string;
  /** The day with the fault, and what was done (for the failure message). */
  apply(day: readonly Eco2mixRecord[], seed: string): { readonly day: Eco2mixRecord[]; readonly detail: string };
}

/** Production columns whose mean over the points is at least `mw` (×1000 of a column near zero changes nothing). */
const sizeable = (day: readonly Eco2mixRecord[], mw: number): ProductionSource[] =>
  PRODUCTION_SOURCES.filter((c) => {
    const values = realPoints(day).map((r) => r[c] ?? 0);
    return values.reduce((s, v) => s + v, 0) / Math.max(values.length, 1) >= mw;
  });

export const ECO2MIX_FAULTS: readonly Eco2mixFault[] = [
  {
    name: 'a production column dropped',
    apply: (day, seed) => {
      const column = pick(seededDraws(seed), PRODUCTION_SOURCES);
      return { day: day.map((r) => ({ ...r, [column]: null })), detail: column };
    },
  },
  {
    name: 'a production column in kW (×1000) for two hours',
    apply: (day, seed) => {
      const draw = seededDraws(seed);
      const at = window(day, draw, 2);
      const column = pick(
        draw,
        sizeable(
          day.filter((r) => at.has(r.instant)),
          500,
        ),
      );
      return { day: day.map((r) => (at.has(r.instant) ? scaled(r, [column], 1000) : r)), detail: column };
    },
  },
  {
    name: 'the whole feed in kW (×1000) for two hours',
    apply: (day, seed) => {
      const at = window(day, seededDraws(seed), 2);
      return { day: day.map((r) => (at.has(r.instant) ? scaled(r, ECO2MIX_MEASURES, 1000) : r)), detail: '' };
    },
  },
  {
    name: 'the feed frozen for two hours',
    apply: (day, seed) => {
      const at = window(day, seededDraws(seed), 2);
      const first = realPoints(day).find((r) => at.has(r.instant));
      if (!first) throw new Error('an empty window');
      return {
        day: day.map((r) => (at.has(r.instant) ? { ...first, instant: r.instant } : r)),
        detail: first.instant,
      };
    },
  },
  {
    name: 'columns shifted by one (from fioul on, each takes the one before)',
    apply: (day) => {
      const from = ECO2MIX_MEASURES.indexOf('fioul');
      return {
        day: day.map((r) => ({
          ...r,
          ...Object.fromEntries(
            ECO2MIX_MEASURES.slice(from).map((c, i) => [c, r[ECO2MIX_MEASURES[from + i - 1] ?? c]]),
          ),
        })),
        detail: '',
      };
    },
  },
  {
    name: 'the day’s rows duplicated with other values',
    apply: (day, seed) => {
      const factor = 1 + 0.02 + seededDraws(seed)() * 0.05;
      return { day: [...day, ...day.map((r) => scaled(r, ECO2MIX_MEASURES, factor))], detail: factor.toFixed(3) };
    },
  },
];

export interface Glitch {
  readonly instant: string;
  readonly column: ProductionSource;
  /** The point's supply − consumption after the glitch, over consumption (1.8–7 % either way). */
  readonly gap: number;
}

/**
 * The publication glitch on a real-time day: 1–8 points (never the first or last, never two
 * adjacent), at each one production column moved by 1.8–7 % of consumption, as a lagging value
 * is; the column is one large enough to lag that far.
 */
export function glitchPlan(day: readonly GlitchPoint[], seed: string): Glitch[] {
  const draw = seededDraws(seed);
  const points = realPoints(day);
  const count = 1 + Math.floor(draw() * 8);
  const chosen = new Set<number>();
  for (let tries = 0; chosen.size < count && tries < 1000; tries += 1) {
    const i = 1 + Math.floor(draw() * (points.length - 2));
    if (!chosen.has(i - 1) && !chosen.has(i + 1)) chosen.add(i);
  }
  return [...chosen]
    .sort((a, b) => a - b)
    .map((i) => {
      const point = points[i];
      if (!point || point.consommation === null) throw new Error('a point without consumption');
      const gap = (0.018 + draw() * 0.052) * (draw() < 0.5 ? -1 : 1);
      const shift = gap * point.consommation;
      const column = pick(
        draw,
        PRODUCTION_SOURCES.filter((c) => (point[c] ?? 0) + shift >= 0 && (point[c] ?? 0) >= Math.abs(shift)),
      );
      return { instant: point.instant, column, gap };
    });
}

/** Each point of the plan with its column moved: supply off consumption by the planned share. */
export function withGlitches(day: readonly Eco2mixRecord[], plan: readonly Glitch[]): Eco2mixRecord[] {
  const byInstant = new Map(plan.map((g) => [g.instant, g]));
  return day.map((r) => {
    const glitch = byInstant.get(r.instant);
    if (!glitch || r.consommation === null) return r;
    return { ...r, [glitch.column]: (r[glitch.column] ?? 0) + glitch.gap * r.consommation };
  });
}

/**
 * The longer real-time glitch: an hour and a half of consecutive points where production sits 3–5 %
 * under consumption, one production column at a time lagging (the column changing from point to
 * point, wind among them), as real real-time days hold it (DATA.md). Each point of the plan is a
 * {@link Glitch} with its gap negative; the stretch starts at a seeded point of the day.
 */
export function stretchPlan(day: readonly Eco2mixRecord[], seed: string): Glitch[] {
  const draw = seededDraws(seed);
  const at = window(day, draw, 1.5);
  return realPoints(day)
    .filter((point) => at.has(point.instant))
    .map((point) => {
      if (point.consommation === null) throw new Error('a point without consumption');
      const gap = -(0.03 + draw() * 0.02);
      const shift = -gap * point.consommation;
      const column = pick(
        draw,
        PRODUCTION_SOURCES.filter((c) => (point[c] ?? 0) >= shift),
      );
      return { instant: point.instant, column, gap };
    });
}

const measure = (value: unknown): number | null =>
  value === null || value === undefined || value === '' ? null : Number(value);

/**
 * API records (as an ODRÉ export serves them) with the glitch on each Paris day of `dates`, the
 * moved values rounded to the MW as RTE publishes them; the plan of each day by date.
 */
export function glitchedRecords(
  records: readonly ApiRecord[],
  dates: readonly string[],
  seed: string,
): { readonly records: ApiRecord[]; readonly plans: Map<string, Glitch[]> } {
  const rows = records.map((record) => ({ ...record }));
  const points = rows.map((record) => ({
    record,
    point: {
      instant: new Date(instantOf(record)).toISOString(),
      consommation: measure(record['consommation']),
      ...(Object.fromEntries(PRODUCTION_SOURCES.map((c) => [c, measure(record[c])])) as Record<
        ProductionSource,
        number | null
      >),
    },
  }));
  const plans = new Map<string, Glitch[]>();
  for (const date of dates) {
    const { start, end } = parisDayBounds(date);
    const day = points.filter(
      (p) => Date.parse(p.point.instant) >= start.getTime() && Date.parse(p.point.instant) < end.getTime(),
    );
    const plan = glitchPlan(
      day.map((p) => p.point),
      `${seed}:${date}`,
    );
    for (const glitch of plan) {
      const row = day.find((p) => p.point.instant === glitch.instant);
      if (!row || row.point.consommation === null) throw new Error(`no point at ${glitch.instant}`);
      row.record[glitch.column] = String(
        Math.round((row.point[glitch.column] ?? 0) + glitch.gap * row.point.consommation),
      );
    }
    plans.set(date, plan);
  }
  return { records: rows, plans };
}
