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
 * 5. problems (`month/problems.ts`, and below): each figure not computed, named, with why.
 */
import { MONTH_COLUMNS } from './contract-month.js';
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
  /** `contract_events` tables of every stored day up to the month's end. */
  readonly eventFiles: readonly string[];
  /** `index_readings` tables of the month's days and the day before. */
  readonly readingFiles: readonly string[];
}

/** The rows of `input`'s readings the month's query can use, in PRM order (`usableReadingsSql`). */
export function monthReadingsSql(input: MonthSqlInput): string {
  return usableReadingsSql(monthScope(input), input.eventFiles, input.readingFiles);
}

/**
 * Stage 5, the problems of the events (an unknown code, several at one instant), then each
 * contract-month's row: its figures, every problem of every stage in one list, and a note listing
 * its events; plus a row of its own for each event without a contract reference.
 */
function rowRelations(scope: MonthScope): Relation[] {
  const { start, zone } = scope;
  return [
    {
      name: 'event_problems',
      sql: `SELECT prm, contract,
          ${sortedList(problem('unknown_event', { event: 'event', date: 'event_date' }), ['event_at', 'event'], `kind = 'unknown'`)} AS unknown,
          ${sortedList(`strftime(event_date, '%Y-%m-%d') || ': ' || event || coalesce(' ' || fta, '') || coalesce(' ' || ${KVA_TEXT} || ' kVA', '')`, ['event_at', 'event'])} AS happened
        FROM events WHERE contract IS NOT NULL AND event_date >= ${start} GROUP BY prm, contract`,
    },
    {
      name: 'same_instant_events',
      sql: `SELECT prm, contract, list(${problem('same_instant', { instant: `timezone(${zone}, event_at)`, events: 'events' })} ORDER BY event_at) AS problems
        FROM (SELECT prm, contract, event_at, string_agg(event || coalesce(' ' || ${KVA_TEXT} || ' kVA', ''), ', ' ORDER BY event, kva) AS events
              FROM (SELECT * FROM events WHERE contract IS NOT NULL QUALIFY count(*) OVER (PARTITION BY prm, contract, event_at) > 1)
              GROUP BY prm, contract, event_at HAVING max(event_date) >= ${start})
        GROUP BY prm, contract`,
    },
    {
      name: 'billed',
      sql: `SELECT m.prm, m.contract, f.fta, coalesce(f.days, 0) AS days, f.mean_kva, coalesce(f.periods, []) AS periods,
          e.quality, e.decreased, e.hph, e.hch, e.hpb, e.hcb, e.hp, e.hc, e.base,
          f.fixed_cents, v.variable_cents, ct.cta_cents,
          flatten([
            CASE WHEN c.entry_date IS NULL THEN [${problem('no_entry', { since: 'c.since' })}] END,
            CASE WHEN c.exit_date < c.since THEN [${problem('exit_before_entry', { exit: 'c.exit_date', since: 'c.since' })}] END,
            f.no_rate, f.bad_kva, f.no_cta, ep.unknown, si.problems,
            CASE WHEN e.quality = 'missing' THEN [${problem('missing_reading', { instants: `array_to_string(e.missing_at, ', ')` })}] END,
            CASE WHEN e.decreased THEN [${problem('index_decreased', {})}] END,
            CASE WHEN v.classes_mismatch THEN [${problem('classes_do_not_match_fta', { ftas: 'v.mismatched' })}] END
          ]) AS problems,
          coalesce(array_to_string(ep.happened, '; '), 'no event in the month') AS note
        FROM contract_months m JOIN contracts c USING (prm, contract)
        LEFT JOIN fixed_parts f USING (prm, contract) LEFT JOIN cta_parts ct USING (prm, contract)
        LEFT JOIN energies e USING (prm, contract) LEFT JOIN variable_parts v USING (prm, contract)
        LEFT JOIN event_problems ep USING (prm, contract) LEFT JOIN same_instant_events si USING (prm, contract)
        UNION ALL
        SELECT prm, NULL, fta, 0, NULL, [], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
          [${problem('no_contract_reference', { event: 'event', date: 'event_date' })}],
          'event without a contract reference'
        FROM events WHERE contract IS NULL AND event_date >= ${start}`,
    },
  ];
}

const ENERGY_CLASSES = ['base', 'hp', 'hc', 'hph', 'hch', 'hpb', 'hcb'] as const;

/** Each column of the month's Parquet (`MONTH_COLUMNS`) from the `billed` relation. */
const COLUMN_VALUES: Readonly<Record<string, string>> = {
  prm: 'prm',
  contract: 'contract',
  fta: 'fta',
  days: 'days',
  mean_kva: 'mean_kva',
  periods: 'periods',
  ...Object.fromEntries(
    ENERGY_CLASSES.map((c) => [c, `CASE WHEN quality = 'missing' OR decreased THEN NULL ELSE ${c} END`]),
  ),
  turpe_fixed_eur: euros('fixed_cents'),
  turpe_variable_eur: euros('variable_cents'),
  cta_eur: euros('cta_cents'),
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
  return withRelations(
    [
      ...periodRelations(scope, input.eventFiles),
      ...boundRelations(scope, input.readingFiles),
      ...pricingRelations(),
      ...energyRelations(scope),
      ...rowRelations(scope),
    ],
    `SELECT ${monthColumns(input.month)}
    FROM billed ORDER BY prm, contract NULLS FIRST`,
  );
}
