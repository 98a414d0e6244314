/**
 * What eCO2mix reports say of the nature of their data: a day's nature and what its last revision
 * changed; how many days of a month or year are real time, consolidated and definitive.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ReportFigure } from '../report-views.js';
import { provenanceByPath } from './day-metrics.js';
import { ECO2MIX_NATURES, NATURE_WORDS, type Eco2mixNature } from './nature.js';
import { dayNature } from './revisions.js';

type Metrics = Readonly<Record<string, unknown>>;

interface Revision {
  readonly previous?: { readonly nature?: unknown; readonly energyMWh?: unknown };
  readonly change?: { readonly energyMWh?: unknown; readonly energyPct?: unknown };
  readonly held?: { readonly reason?: unknown };
}

const revisionOf = (m: Metrics): Revision => (typeof m.revision === 'object' && m.revision !== null ? m.revision : {});

const signed = (value: number, digits: number) => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

/** `real-time data, to be consolidated`, then what the last revision changed or why it is held. */
export function natureSentence(m: Metrics): string | null {
  const nature = dayNature(m);
  if (nature === null) return null;
  const parts = [NATURE_WORDS[nature]];
  const { previous, change, held } = revisionOf(m);
  if (
    typeof change?.energyPct === 'number' &&
    typeof change.energyMWh === 'number' &&
    typeof previous?.nature === 'string'
  )
    parts.push(
      `revised from ${previous.nature} data: consumption ${signed(change.energyPct, 2)} % (${signed(change.energyMWh, 0)} MWh)`,
    );
  if (typeof held?.reason === 'string') parts.push(held.reason);
  return parts.join('; ');
}

/** The day's nature, and the change of its consumption at its last revision. */
export function natureFigures(m: Metrics): ReportFigure[] {
  const nature = dayNature(m);
  const { previous, change } = revisionOf(m);
  const figures: ReportFigure[] = [
    { key: 'nature', label: 'Data', value: nature, format: 'text', note: nature ? NATURE_WORDS[nature] : undefined },
  ];
  if (typeof change?.energyPct === 'number')
    figures.push({
      key: 'revision.energyPct',
      label: 'Revision',
      value: change.energyPct,
      unit: '%',
      digits: 2,
      note: `consumption against the ${typeof previous?.nature === 'string' ? previous.nature : 'previous'} data`,
    });
  return figures;
}

/** Each day's nature (the oldest among its points), by date, from the days' tables. */
export async function periodNatures(
  db: DuckDBConnection,
  days: ReadonlyArray<{ readonly date: string; readonly path: string }>,
): Promise<Map<string, Eco2mixNature>> {
  if (days.length === 0) return new Map();
  const provenance = await provenanceByPath(
    db,
    days.map((d) => d.path),
  );
  return new Map(
    days.flatMap((d) => {
      const nature = provenance.get(d.path)?.nature ?? null;
      return nature === null ? [] : [[d.date, nature] as const];
    }),
  );
}

/** Days per nature among `natures`. */
export function natureCounts(natures: Iterable<Eco2mixNature>): Record<Eco2mixNature, number> {
  const counts = { realtime: 0, consolidated: 0, definitive: 0 };
  for (const nature of natures) counts[nature] += 1;
  return counts;
}

const COUNT_LABELS: Readonly<Record<Eco2mixNature, string>> = {
  realtime: 'Real-time days',
  consolidated: 'Consolidated days',
  definitive: 'Definitive days',
};

/** One figure per nature: how many days hold it. */
export function natureCountFigures(counts: Record<Eco2mixNature, number>, detail = false): ReportFigure[] {
  return ECO2MIX_NATURES.map((nature) => ({
    key: `natures.${nature}`,
    label: COUNT_LABELS[nature],
    value: counts[nature],
    unit: 'days',
    ...(detail ? { detail: true } : {}),
  }));
}

/** `days: 20 real time, 11 consolidated, 0 definitive`. */
export function natureCountWords(counts: Record<Eco2mixNature, number>): string {
  return `days: ${counts.realtime} real time, ${counts.consolidated} consolidated, ${counts.definitive} definitive`;
}
