/**
 * The billing elements of one calendar month, one row per contract, as one DuckDB query over the
 * stored C15 events, the index readings and the rates tables (`rates-sql.ts`), built of named
 * stages, each its own module with its rules (docs/billing.md has them all, with their sources and
 * the rounding):
 *
 * 1. periods (`month/periods.ts`): the contracts and their sub-periods in the month;
 * 2. bounds (`month/bounds.ts`): the readings bounding each contract-month's energy, the segments;
 * 3. pricing (`month/pricing.ts`): the TURPE fixed part and the CTA;
 * 4. energies (`month/energies.ts`): the energy per class and the TURPE variable part;
 * 2b. days not usable (`month/usable-days.ts`): the figures a failed or refused day would give;
 * 2c. the perimeter's gaps and overlaps (`month/perimeter-checks.ts`);
 * 5. problems (`month/problems.ts`, and below): each figure not computed, named, with why.
 */
import { sqlString } from '../duckdb/columns.js';
import { MONTH_COLUMNS } from './contract-month.js';
import { perimeterCheckRelations, readingSpansSql } from './month/perimeter-checks.js';
import { usableDayRelations, type UnusableDay } from './month/usable-days.js';
import { boundRelations, usableReadingsSql } from './month/bounds.js';
import { energyRelations } from './month/energies.js';
import { periodRelations } from './month/periods.js';
import { pricingRelations } from './month/pricing.js';
import { problem } from './month/problems.js';
import {
  euros,
  KVA_TEXT,
  monthScope,
  sortedList,
  withRelations,
  type MonthScope,
  type MonthScopeInput,
  type Relation,
} from './month/relations.js';

export interface MonthSqlInput extends MonthScopeInput {
  /** `contract_events` tables of every usable stored day up to the month's end. */
  readonly eventFiles: readonly string[];
  /** `index_readings` tables of the month's usable days and the day before (or those narrowed, `usableReadingsSql`). */
  readonly readingFiles: readonly string[];
  /** The go-live snapshot (`courant perimeter import`), if there is one. */
  readonly snapshotFiles?: readonly string[];
  /** The days billing may not read (`month/usable-days.ts`). */
  readonly unusable?: readonly UnusableDay[];
  /** Where the PRMs' reading spans of the month were written (`readingSpansSql`); from `readingFiles` when absent. */
  readonly readingSpansFile?: string;
}

/** The rows of `input`'s readings the month's query can use, in PRM order (`usableReadingsSql`). */
export function monthReadingsSql(input: MonthSqlInput): string {
  return usableReadingsSql(monthScope(input), input.eventFiles, input.readingFiles);
}

/** The PRMs' reading spans of `input`'s month (`readingSpansSql`). */
export function monthReadingSpansSql(input: MonthSqlInput): string {
  return readingSpansSql(monthScope(input), input.readingFiles);
}

/** `a; b`: the applied events of one contract at one instant as the note and the problems name them. */
const eventText = (event: string) =>
  `${event} || coalesce(' ' || fta, '') || coalesce(' ' || ${KVA_TEXT} || ' kVA', '')`;

/**
 * Stage 5, the problems of the events (an unknown code, several at one instant), then each
 * contract-month's row: its figures, every problem of every stage in one list, what its amounts
 * leave out, and a note listing its events; plus a row of its own for each event without a
 * contract reference and for each PRM read without a contract.
 */
function rowRelations(scope: MonthScope): Relation[] {
  const { start, zone } = scope;
  const carried = `CASE WHEN fta_carried AND kva_carried THEN ' (FTA and kVA as before)' WHEN fta_carried THEN ' (FTA as before)'
    WHEN kva_carried THEN ' (kVA as before)' ELSE '' END`;
  return [
    {
      name: 'event_problems',
      sql: `SELECT prm, contract,
          ${sortedList(problem('unknown_event', { event: 'event', date: 'event_date' }), ['event_at', 'seq'], `kind = 'unknown'`)} AS unknown,
          ${sortedList(
            `strftime(event_date, '%Y-%m-%d') || ': ' || event
              || CASE WHEN fta_carried THEN '' ELSE coalesce(' ' || fta, '') END
              || CASE WHEN kva_carried THEN '' ELSE coalesce(' ' || ${KVA_TEXT} || ' kVA', '') END || ${carried}`,
            ['event_at', 'seq'],
          )} AS happened
        FROM applied_events WHERE event_date >= ${start} GROUP BY prm, contract`,
    },
    {
      name: 'same_instant_events',
      sql: `SELECT prm, contract, list(${problem('same_instant', { instant: `timezone(${zone}, event_at)`, applied: 'applied', replaced: 'replaced' })} ORDER BY event_at) AS problems
        FROM (SELECT prm, contract, event_at,
                arg_max(${eventText('event')}, struct_pack(a := arrival, l := line)) AS applied,
                string_agg(${eventText('event')}, ', ' ORDER BY arrival NULLS FIRST, line) FILTER (WHERE NOT last) AS replaced
              FROM (SELECT *, row_number() OVER (PARTITION BY prm, contract, event_at ORDER BY arrival DESC NULLS LAST, line DESC) = 1 AS last
                    FROM events WHERE contract IS NOT NULL AND kind NOT IN ('exit', 'superseded')
                    QUALIFY count(*) OVER (PARTITION BY prm, contract, event_at) > 1)
              GROUP BY prm, contract, event_at HAVING max(event_date) >= ${start})
        GROUP BY prm, contract`,
    },
    {
      name: 'billed',
      sql: `SELECT m.prm, m.contract, c.source, f.fta, coalesce(f.days, 0) AS days, f.mean_kva, coalesce(f.periods, []) AS periods,
          CASE WHEN u.no_energy THEN 'missing' ELSE e.quality END AS quality,
          e.decreased OR coalesce(u.no_energy, false) AS no_energy,
          e.hph, e.hch, e.hpb, e.hcb, e.hp, e.hc, e.base,
          CASE WHEN NOT coalesce(u.no_fixed, false) THEN f.fixed_cents END AS fixed_cents,
          CASE WHEN NOT coalesce(u.no_energy, false) THEN v.variable_cents END AS variable_cents,
          CASE WHEN NOT coalesce(u.no_fixed, false) THEN ct.cta_cents END AS cta_cents,
          list_filter([
            CASE WHEN f.fixed_cents IS NOT NULL AND NOT coalesce(u.no_fixed, false) AND NOT f.fixed_complete THEN 'turpeFixedEur' END,
            CASE WHEN ct.cta_cents IS NOT NULL AND NOT coalesce(u.no_fixed, false) AND NOT ct.cta_complete THEN 'ctaEur' END
          ], x -> x IS NOT NULL) AS incomplete,
          flatten([
            CASE WHEN c.entry_date IS NULL THEN [${problem('no_entry', { since: 'c.since' })}] END,
            CASE WHEN c.exit_date < c.since THEN [${problem('exit_before_entry', { exit: 'c.exit_date', since: 'c.since' })}] END,
            f.no_rate, f.bad_kva, f.outside_fta, f.no_cta, ep.unknown, si.problems,
            (SELECT list(${problem('overlapping_contracts', { other: 'o.other', from: 'o.from_date', to: 'o.to_date', days: 'o.days' })} ORDER BY o.other)
             FROM contract_overlaps o WHERE o.prm = m.prm AND o.contract = m.contract),
            u.problems,
            CASE WHEN e.quality = 'missing' AND NOT coalesce(u.no_energy, false) THEN [${problem('missing_reading', { instants: `array_to_string(e.missing_at, ', ')` })}] END,
            CASE WHEN e.decreased THEN [${problem('index_decreased', {})}] END,
            CASE WHEN v.classes_mismatch AND NOT coalesce(u.no_energy, false) THEN [${problem('classes_do_not_match_fta', { ftas: 'v.mismatched' })}] END
          ]) AS problems,
          coalesce(array_to_string(ep.happened, '; '), 'no event in the month')
            || coalesce('; the snapshot of ' || strftime(c.superseded_snapshot, '%Y-%m-%d') || ' superseded by the C15 entry of ' || strftime(c.entry_date, '%Y-%m-%d'), '') AS note
        FROM contract_months m JOIN contracts c USING (prm, contract)
        LEFT JOIN fixed_parts f USING (prm, contract) LEFT JOIN cta_parts ct USING (prm, contract)
        LEFT JOIN energies e USING (prm, contract) LEFT JOIN variable_parts v USING (prm, contract)
        LEFT JOIN event_problems ep USING (prm, contract) LEFT JOIN same_instant_events si USING (prm, contract)
        LEFT JOIN unusable_effects u USING (prm, contract)
        UNION ALL BY NAME
        SELECT prm, NULL AS contract, fta, 0 AS days, [] AS periods, []::VARCHAR[] AS incomplete,
          [${problem('no_contract_reference', { event: 'event', date: 'event_date' })}] AS problems,
          'event without a contract reference' AS note
        FROM events WHERE contract IS NULL AND event_date >= ${start}
        UNION ALL BY NAME
        SELECT prm, NULL AS contract, 0 AS days, [] AS periods, []::VARCHAR[] AS incomplete,
          [${problem('readings_without_contract', { first: `timezone(${zone}, first_at)`, last: `timezone(${zone}, last_at)` })}] AS problems,
          'readings without a contract' AS note
        FROM readings_without_contract`,
    },
  ];
}

const ENERGY_CLASSES = ['base', 'hp', 'hc', 'hph', 'hch', 'hpb', 'hcb'] as const;

/** Each column of the month's Parquet (`MONTH_COLUMNS`) from the `billed` relation. */
const COLUMN_VALUES: Readonly<Record<string, string>> = {
  prm: 'prm',
  contract: 'contract',
  source: 'source',
  fta: 'fta',
  days: 'days',
  mean_kva: 'mean_kva',
  periods: 'periods',
  ...Object.fromEntries(
    ENERGY_CLASSES.map((c) => [c, `CASE WHEN quality = 'missing' OR no_energy THEN NULL ELSE ${c} END`]),
  ),
  turpe_fixed_eur: euros('fixed_cents'),
  turpe_variable_eur: euros('variable_cents'),
  cta_eur: euros('cta_cents'),
  incomplete: 'coalesce(incomplete, [])',
  quality: 'quality',
  problems: 'coalesce(problems, [])',
  note: 'note',
};

/** The row's columns in `MONTH_COLUMNS`' order and types; the month first. */
function monthColumns(month: string): string {
  return MONTH_COLUMNS.map(([name, type]) => {
    const value = name === 'month' ? `'${month}'` : COLUMN_VALUES[name];
    if (value === undefined) throw new Error(`the month query gives no ${name}`);
    return `(${value})::${type} AS ${name}`;
  }).join(',\n      ');
}

/** The month's billing query: one row per contract (see the module's doc), ordered by PRM and contract. */
export function billingMonthSql(input: MonthSqlInput): string {
  const scope = monthScope(input);
  const spans =
    input.readingSpansFile === undefined
      ? readingSpansSql(scope, input.readingFiles)
      : `SELECT * FROM read_parquet(${sqlString(input.readingSpansFile)})`;
  return withRelations(
    [
      ...periodRelations(scope, input.eventFiles, input.snapshotFiles ?? []),
      ...boundRelations(scope, input.readingFiles),
      ...usableDayRelations(scope, input.unusable ?? []),
      ...perimeterCheckRelations(scope, spans),
      ...pricingRelations(),
      ...energyRelations(scope),
      ...rowRelations(scope),
    ],
    `SELECT ${monthColumns(input.month)}
    FROM billed ORDER BY prm, contract NULLS FIRST`,
  );
}
