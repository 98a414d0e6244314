/**
 * Stage 1, periods: from the stored C15 events (and the go-live snapshot) to each contract's
 * sub-periods in the month.
 *
 * - `events`: the events up to the month's end, once each, and the snapshot's rows (`eventsSql`),
 *   of the PRMs billed;
 * - `contracts`: each contract's entry, first supplied day (`since`), exit and source (`contractsSql`);
 * - `applied_events`: the events that say the contract's situation, in order (entry, change, exit at
 *   one instant; then code, FTA, kVA): of two or more entries or changes of one contract at one
 *   instant, the one delivered last (its file's arrival among its day's, then its line) replaces the
 *   others; an event stating no FTA or no kVA keeps the contract's last known one (`fta_carried`,
 *   `kva_carried`);
 * - `situation_changes`: per contract, its first applied entry or change and each one that changes
 *   the FTA or the kVA; an exit opens none;
 * - `situations`: each change until the next (`next_date`, `next_at`), with the contract's bounds;
 * - `sub_periods`: each situation from its event's day to the next change's, clipped to the
 *   supplied days (`since` to the exit, excluded) and to the month: `[from_date, to_date)`, `days`;
 * - `contract_months`: the contracts the month has a row for: a sub-period in it, or an event.
 */
import { contractsSql, eventsSql } from '../contracts-sql.js';
import type { MonthScope, Relation } from './relations.js';

export function periodRelations(
  scope: MonthScope,
  eventFiles: readonly string[],
  snapshotFiles: readonly string[],
): Relation[] {
  return [
    {
      name: 'events',
      sql: `SELECT * FROM (${eventsSql(eventFiles, scope.end, snapshotFiles)}) WHERE true ${scope.only('prm')}`,
    },
    ...subPeriodRelations(scope),
  ];
}

/** The relations after `events` (a relation of `eventsSql`'s columns): contracts, situations, sub-periods. */
export function subPeriodRelations(scope: MonthScope): Relation[] {
  const last = (column: string) =>
    `last_value(${column} IGNORE NULLS) OVER (PARTITION BY prm, contract ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)`;
  return [
    { name: 'contracts', sql: contractsSql('events') },
    {
      name: 'applied_events',
      sql: `SELECT * REPLACE (coalesce(fta, ${last('fta')}) AS fta, coalesce(kva, ${last('kva')}) AS kva),
          fta IS NULL AND ${last('fta')} IS NOT NULL AS fta_carried,
          kva IS NULL AND ${last('kva')} IS NOT NULL AS kva_carried
        FROM (
          SELECT *, row_number() OVER (PARTITION BY prm, contract
              ORDER BY event_at, CASE kind WHEN 'entry' THEN 0 WHEN 'exit' THEN 2 ELSE 1 END, event, fta, kva) AS seq
          FROM events WHERE contract IS NOT NULL AND kind <> 'superseded'
          QUALIFY kind = 'exit' OR row_number() OVER (PARTITION BY prm, contract, event_at, kind = 'exit'
            ORDER BY arrival DESC NULLS LAST, line DESC) = 1)`,
    },
    {
      name: 'situation_changes',
      sql: `SELECT prm, contract, seq, event_at, event_date, fta, kva,
          lag(fta) OVER w AS fta_before, lag(kva) OVER w AS kva_before
        FROM applied_events WHERE kind <> 'exit'
        WINDOW w AS (PARTITION BY prm, contract ORDER BY seq)
        QUALIFY row_number() OVER w = 1 OR fta IS DISTINCT FROM fta_before OR kva IS DISTINCT FROM kva_before`,
    },
    {
      name: 'situations',
      sql: `SELECT ch.*, c.since, c.exit_date, c.exit_at,
          lead(ch.event_date) OVER (PARTITION BY ch.prm, ch.contract ORDER BY ch.seq) AS next_date,
          lead(ch.event_at) OVER (PARTITION BY ch.prm, ch.contract ORDER BY ch.seq) AS next_at
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
