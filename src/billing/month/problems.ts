/**
 * Every problem a month's row can carry: its code and how its message is written, from the SQL
 * values the stage that finds it has (docs/billing.md, "Problems", says when each is given and what
 * the row still gives). A problem is a `{code, message}` struct of the row's `problems` list.
 */

/** SQL expressions a message is written from, by name. */
type Values<K extends string> = Readonly<Record<K, string>>;

const day = (date: string) => `strftime(${date}, '%Y-%m-%d')`;

/** The subscribed powers billing prices, in kVA: above 0, at most MAX_KVA (`kva_out_of_range` otherwise). */
export const MAX_KVA = 250;

export const PROBLEMS = {
  no_rate: (v: Values<'fta' | 'from'>) =>
    `'no TURPE rate for ' || coalesce(${v.fta}, 'no FTA') || ' on ' || ${day(v.from)}`,
  no_cta_rate: (v: Values<'from'>) => `'no CTA rate on ' || ${day(v.from)}`,
  kva_out_of_range: (v: Values<'kva' | 'from'>) =>
    `'subscribed power ' || coalesce(${v.kva}::VARCHAR, 'none') || ' kVA from ' || ${day(v.from)} || ' is not in ]0, ${MAX_KVA}]'`,
  kva_not_in_fta_range: (v: Values<'kva' | 'fta' | 'from' | 'upTo36'>) =>
    `'subscribed power ' || rtrim(rtrim(${v.kva}::VARCHAR, '0'), '.') || ' kVA from ' || ${day(v.from)} || ' does not fit ' || ${v.fta} ||
      CASE WHEN ${v.upTo36} THEN ' (up to 36 kVA)' ELSE ' (above 36 kVA)' END || ': its fixed part not computed'`,
  no_contract_reference: (v: Values<'event' | 'date'>) =>
    `'event ' || ${v.event} || ' on ' || ${day(v.date)} || ' has no Ref_Situation_Contractuelle: not applied'`,
  unknown_event: (v: Values<'event' | 'date'>) =>
    `'event ' || ${v.event} || ' on ' || ${day(v.date)} || ' is not a code courant knows: applied as a change'`,
  exit_before_entry: (v: Values<'exit' | 'since'>) =>
    `'the exit on ' || ${day(v.exit)} || ' comes before the entry on ' || ${day(v.since)}`,
  same_instant: (v: Values<'instant' | 'applied' | 'replaced'>) =>
    `'events at the same instant ' || strftime(${v.instant}, '%Y-%m-%d %H:%M') || ': ' || ${v.applied} ||
      ', delivered last, applied; ' || ${v.replaced} || ' replaced'`,
  no_entry: (v: Values<'since'>) => `'no entry event stored: supplied from its first event, ' || ${day(v.since)}`,
  overlapping_contracts: (v: Values<'other' | 'from' | 'to' | 'days'>) =>
    `'contract ' || ${v.other} || ' of the same PRM is in force on the same ' || ${v.days} || ' day(s), from ' || ${day(v.from)} ||
      ' to ' || ${day(v.to)} || ' excluded: both rows bill them'`,
  readings_without_contract: (v: Values<'first' | 'last'>) =>
    `'readings from ' || strftime(${v.first}, '%Y-%m-%d %H:%M') || ' to ' || strftime(${v.last}, '%Y-%m-%d %H:%M') ||
      ' (Paris) and no contract in force in the month: a contract is missing (Enedis sends readings only for the PRMs of the supplier''s perimeter)'`,
  day_not_usable: (v: Values<'day' | 'why' | 'what'>) =>
    `'the day ' || ${day(v.day)} || ' is not usable (' || ${v.why} || '): ' || ${v.what} || ' not computed'`,
  missing_reading: (v: Values<'instants'>) =>
    `'no reading to bound the energy at ' || ${v.instants} || ' (Paris): energy and variable part not computed'`,
  index_decreased: (_: Values<never>) =>
    `'an index went down between two bounds: energy and variable part not computed'`,
  classes_do_not_match_fta: (v: Values<'ftas'>) =>
    `'the readings'' classes do not fit ' || ${v.ftas} || ': variable part not computed'`,
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

/** The problem `code` as an SQL struct, its message written from `values`. */
export function problem<C extends ProblemCode>(code: C, values: Parameters<(typeof PROBLEMS)[C]>[0]): string {
  const message = (PROBLEMS[code] as (v: typeof values) => string)(values);
  return `{'code': '${code}', 'message': ${message}}`;
}
