/**
 * Stage 1, periods: from the stored C15 events to each contract's sub-periods in the month.
 *
 * - `events`: the events up to the month's end, once each (`eventsSql`), of the PRMs billed;
 * - `contracts`: each contract's first supplied day (`since`) and exit (`contractsSql`);
 * - `situation_changes`: per contract, its first event and each one that changes the FTA or the
 *   kVA, in order (entry, change, exit at one instant; then code, FTA, kVA); an exit opens none;
 * - `sub_periods`: each situation from its event's day to the next change's, clipped to the
 *   supplied days (`since` to the exit, excluded) and to the month: `[from_date, to_date)`, `days`;
 * - `contract_months`: the contracts the month has a row for: a sub-period in it, or an event.
 */
import { contractsSql, eventsSql } from '../contracts-sql.js';
import type { MonthScope, Relation } from './relations.js';

export function periodRelations(scope: MonthScope, eventFiles: readonly string[]): Relation[] {
  return [
    { name: 'events', sql: `SELECT * FROM (${eventsSql(eventFiles, scope.end)}) WHERE true ${scope.only('prm')}` },
    ...subPeriodRelations(scope),
  ];
}

/** The relations after `events` (a relation of `eventsSql`'s columns): contracts, situations, sub-periods. */
export function subPeriodRelations(scope: MonthScope): Relation[] {
  return [
    { name: 'contracts', sql: contractsSql('events') },
    {
      name: 'ordered_events',
      sql: `SELECT *, row_number() OVER (PARTITION BY prm, contract
          ORDER BY event_at, CASE kind WHEN 'entry' THEN 0 WHEN 'exit' THEN 2 ELSE 1 END, event, fta, kva) AS seq
        FROM events WHERE contract IS NOT NULL AND kind <> 'exit'`,
    },
    {
      name: 'situation_changes',
      sql: `SELECT prm, contract, seq, event_date, fta, kva,
          lag(fta) OVER w AS fta_before, lag(kva) OVER w AS kva_before
        FROM ordered_events
        WINDOW w AS (PARTITION BY prm, contract ORDER BY seq)
        QUALIFY seq = 1 OR fta IS DISTINCT FROM fta_before OR kva IS DISTINCT FROM kva_before`,
    },
    {
      name: 'situations',
      sql: `SELECT ch.*, c.since, c.exit_date,
          lead(ch.event_date) OVER (PARTITION BY ch.prm, ch.contract ORDER BY ch.seq) AS next_date
        FROM situation_changes ch JOIN contracts c USING (prm, contract)`,
    },
    {
      name: 'sub_periods',
      sql: `SELECT prm, contract, fta, kva,
          greatest(event_date, since, ${scope.start}) AS from_date,
          least(coalesce(next_date, DATE '9999-12-31'), coalesce(exit_date, DATE '9999-12-31'), ${scope.end}) AS to_date,
          (to_date - from_date)::INTEGER AS days
        FROM situations WHERE from_date < to_date`,
    },
    {
      name: 'contract_months',
      sql: `SELECT prm, contract FROM sub_periods
        UNION SELECT prm, contract FROM events WHERE contract IS NOT NULL AND event_date >= ${scope.start}`,
    },
  ];
}
