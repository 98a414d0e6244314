/**
 * The nature of eCO2mix data, and the one rule of precedence between natures. RTE publishes a day
 * three times: real time on the day, consolidated a few weeks later, definitive once the year is
 * closed (the ODRÉ `cons-def` export and RTE's `Annuel-Definitif` files). A newer nature always wins
 * over an older one, whatever arrives last: an older nature never overwrites a newer one.
 */

export const ECO2MIX_NATURES = ['realtime', 'consolidated', 'definitive'] as const;
export type Eco2mixNature = (typeof ECO2MIX_NATURES)[number];

/** 0 real time, 1 consolidated, 2 definitive: the higher wins. */
export function natureRank(nature: Eco2mixNature): number {
  return ECO2MIX_NATURES.indexOf(nature);
}

/** The nature of rank `rank` (clamped to the known ones). */
export function natureOfRank(rank: number): Eco2mixNature {
  return ECO2MIX_NATURES[Math.min(Math.max(Math.trunc(rank), 0), ECO2MIX_NATURES.length - 1)] ?? 'realtime';
}

/**
 * The nature of a row from its source and the `nature` text RTE gives it: `Données définitives`
 * is definitive, any other row of the consolidated source consolidated, the rest real time.
 */
export function natureOf(source: string, text: string | null): Eco2mixNature {
  if (source !== 'consolidated') return 'realtime';
  const words = (text ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  return words.includes('definiti') ? 'definitive' : 'consolidated';
}

/** {@link natureOf} in DuckDB SQL, as the rank, over columns `source` and `nature` of a row. */
export const NATURE_RANK_SQL = `(CASE WHEN source <> 'consolidated' THEN 0
  WHEN lower(strip_accents(coalesce(nature, ''))) LIKE '%definiti%' THEN 2 ELSE 1 END)`;

/** How a report says what a day's data is. */
export const NATURE_WORDS: Readonly<Record<Eco2mixNature, string>> = {
  realtime: 'real-time data, to be consolidated',
  consolidated: 'consolidated data, to be made definitive',
  definitive: 'definitive data',
};
