/**
 * Contracts from the stored C15 events (`contract_events` of the Enedis days), as SQL:
 *
 * - an event is kept once per content across days (PRM, contract, event, instant, situation);
 * - a contract is a PRM and a contract reference (`Ref_Situation_Contractuelle`): a re-entry is a
 *   new reference, never a reopened one;
 * - it is supplied from its entry's Paris day (MES, PMES, CFNE; the first event's day when none is
 *   stored, named `no_entry`) to its exit's day (RES, CFNS) exclusive: civil days, half-open;
 * - its situation (FTA, kVA) is the one its events carry, from each event's day: an event that
 *   changes neither the FTA nor the kVA does not cut.
 */
import { sqlString } from '../duckdb/columns.js';
import { eventKindSql } from './event-codes.js';

/** The events of `files` (Parquet `contract_events` tables) before `until` (a DATE literal), once each. */
export function eventsSql(files: readonly string[], until: string): string {
  if (files.length === 0)
    return `SELECT NULL::VARCHAR AS prm, NULL::VARCHAR AS contract, NULL::VARCHAR AS event, NULL::TIMESTAMPTZ AS event_at,
      NULL::DATE AS event_date, NULL::VARCHAR AS fta, NULL::DECIMAL(9, 3) AS kva, NULL::VARCHAR AS kva_text,
      NULL::VARCHAR AS kind WHERE false`;
  return `SELECT prm, nullif(trim(contract), '') AS contract, event, event_at, event_date, fta, kva, kva_text,
      ${eventKindSql('event')} AS kind
    FROM read_parquet([${files.map(sqlString).join(', ')}], union_by_name = true)
    WHERE event_date < ${until}
    QUALIFY row_number() OVER (
      PARTITION BY prm, contract, event, event_at, state, fta, kva, calendar, segment ORDER BY file DESC, line DESC) = 1`;
}

/**
 * Each contract of `events` (a relation of `eventsSql`'s columns): `prm`, `contract`, `entry_date`
 * (null when none is stored), `since` (its first supplied day), `exit_date` (null while in force).
 */
export function contractsSql(events: string): string {
  return `SELECT prm, contract,
      min(event_date) FILTER (WHERE kind = 'entry') AS entry_date,
      coalesce(entry_date, min(event_date)) AS since,
      min(event_date) FILTER (WHERE kind = 'exit') AS exit_date
    FROM ${events} WHERE contract IS NOT NULL GROUP BY prm, contract`;
}

/** The contracts in force on `date` (a DATE literal): since ≤ date < exit (no problem: an exit before its entry is none). */
export function perimeterSql(events: string, date: string, prms: readonly string[]): string {
  const only = prms.length === 0 ? '' : `AND prm IN (${prms.map(sqlString).join(', ')})`;
  return `SELECT prm, contract, strftime(since, '%Y-%m-%d') AS since FROM (${contractsSql(events)})
    WHERE since <= ${date} AND (exit_date IS NULL OR ${date} < exit_date) AND (exit_date IS NULL OR exit_date >= since) ${only}
    ORDER BY prm, since, contract`;
}
