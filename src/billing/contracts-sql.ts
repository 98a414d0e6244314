/**
 * Contracts from the stored C15 events (`contract_events` of the Enedis days) and the go-live
 * snapshot (`courant perimeter import`), as SQL:
 *
 * - an event is kept once per content across days (PRM, contract, event, instant, situation);
 * - a snapshot row is an entry of its contract on its `since` day, 00:00 Paris (event `SNAPSHOT`,
 *   source `snapshot`); a C15 entry of the same contract earlier than that day wins: the snapshot's
 *   row is then of kind `superseded`, applied to nothing (its contract says it was superseded);
 * - a contract is a PRM and a contract reference (`Ref_Situation_Contractuelle`): a re-entry is a
 *   new reference, never a reopened one;
 * - it is supplied from its entry's Paris day (MES, PMES, CFNE, or the snapshot; the first event's
 *   day when none is stored, named `no_entry`) to its exit's day (RES, CFNS) exclusive: civil days,
 *   half-open.
 */
import { sqlString } from '../duckdb/columns.js';
import { PARTITION_TIMEZONE } from '../workflow-safe/partition.js';
import { eventKindSql } from './event-codes.js';

/** The event code a snapshot's row stands as. */
export const SNAPSHOT_EVENT = 'SNAPSHOT';

/** The events' columns (`prm, contract, event, event_at, event_date, fta, kva, kva_text, kind, source, arrival, line`), with no row. */
const NO_EVENTS = `SELECT NULL::VARCHAR AS prm, NULL::VARCHAR AS contract, NULL::VARCHAR AS event, NULL::TIMESTAMPTZ AS event_at,
  NULL::DATE AS event_date, NULL::VARCHAR AS fta, NULL::DECIMAL(9, 3) AS kva, NULL::VARCHAR AS kva_text,
  NULL::VARCHAR AS kind, NULL::VARCHAR AS source, NULL::BIGINT AS arrival, NULL::BIGINT AS line WHERE false`;

/**
 * The C15 events of `files` before `until` (a DATE literal), once each. `arrival` (the order its file
 * came in among its day's; null in days stored before it was kept) and `line` order two deliveries
 * of one instant.
 */
function c15EventsSql(files: readonly string[], until: string): string {
  if (files.length === 0) return NO_EVENTS;
  const read = `SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}], union_by_name = true)
    UNION ALL BY NAME SELECT NULL::BIGINT AS arrival WHERE false`;
  return `SELECT prm, nullif(trim(contract), '') AS contract, event, event_at, event_date, fta, kva, kva_text,
      ${eventKindSql('event')} AS kind, 'c15' AS source, arrival, line
    FROM (${read})
    WHERE event_date < ${until}
    QUALIFY row_number() OVER (
      PARTITION BY prm, contract, event, event_at, state, fta, kva, calendar, segment ORDER BY file DESC, line DESC) = 1`;
}

/** The rows of the snapshot `files` starting before `until`, as entries. */
function snapshotEventsSql(files: readonly string[], until: string): string {
  if (files.length === 0) return NO_EVENTS;
  return `SELECT prm, contract, '${SNAPSHOT_EVENT}' AS event, timezone(${sqlString(PARTITION_TIMEZONE)}, since::TIMESTAMP) AS event_at,
      since AS event_date, fta, kva, kva_text, 'entry' AS kind, 'snapshot' AS source, NULL::BIGINT AS arrival, line
    FROM read_parquet([${files.map(sqlString).join(', ')}])
    WHERE since < ${until}`;
}

/**
 * The events of `files` (Parquet `contract_events` tables) and of the snapshot `snapshotFiles`
 * before `until` (a DATE literal), in the columns `NO_EVENTS` names; a snapshot row a C15 entry
 * of its contract comes before is of kind `superseded`.
 */
export function eventsSql(files: readonly string[], until: string, snapshotFiles: readonly string[] = []): string {
  return `SELECT * EXCLUDE (c15_entry) REPLACE (CASE WHEN source = 'snapshot' AND c15_entry < event_date THEN 'superseded' ELSE kind END AS kind)
    FROM (
      SELECT *, min(event_date) FILTER (WHERE kind = 'entry' AND source = 'c15') OVER (PARTITION BY prm, contract) AS c15_entry
      FROM (${c15EventsSql(files, until)} UNION ALL ${snapshotEventsSql(snapshotFiles, until)}))`;
}

/**
 * Each contract of `events` (a relation of `eventsSql`'s columns): `prm`, `contract`, `entry_date`
 * and `entry_at` (null when no entry is stored), `since` (its first supplied day), `exit_date` and
 * `exit_at` (null while in force), `source` (where its start comes from: `c15` or `snapshot`),
 * `superseded_snapshot` (the day of its snapshot row a C15 entry superseded, or null).
 */
export function contractsSql(events: string): string {
  return `SELECT prm, contract,
      min(event_date) FILTER (WHERE kind = 'entry') AS entry_date,
      min(event_at) FILTER (WHERE kind = 'entry') AS entry_at,
      coalesce(entry_date, min(event_date) FILTER (WHERE kind <> 'superseded')) AS since,
      min(event_date) FILTER (WHERE kind = 'superseded') AS superseded_snapshot,
      min(event_date) FILTER (WHERE kind = 'exit') AS exit_date,
      min(event_at) FILTER (WHERE kind = 'exit') AS exit_at,
      CASE WHEN arg_min(source, event_date) FILTER (WHERE kind = 'entry') = 'snapshot' THEN 'snapshot' ELSE 'c15' END AS source
    FROM ${events} WHERE contract IS NOT NULL GROUP BY prm, contract`;
}

/**
 * The events the perimeter on `date` aggregates, from the C15 events of `files` and the snapshot
 * `snapshotFiles`: `prm`, `contract`, `event_date`, `kind` and `source`, only those of `prms` when
 * given, and of PRMs up to `through` when given.
 */
function perimeterEventsSql(
  files: readonly string[],
  snapshotFiles: readonly string[],
  date: string,
  prms: readonly string[],
  through: string | null,
): string {
  const day = `DATE ${sqlString(date)}`;
  const only = [
    ...(prms.length === 0 ? [] : [`AND prm IN (${prms.map(sqlString).join(', ')})`]),
    ...(through === null ? [] : [`AND prm <= ${sqlString(through)}`]),
  ].join(' ');
  const list = (paths: readonly string[]) => paths.map(sqlString).join(', ');
  const rows = [
    ...(files.length === 0
      ? []
      : [
          `SELECT prm, nullif(trim(contract), '') AS contract, event_date, ${eventKindSql('event')} AS kind, 'c15' AS source
           FROM read_parquet([${list(files)}], union_by_name = true) WHERE event_date <= ${day} ${only}`,
        ]),
    ...(snapshotFiles.length === 0
      ? []
      : [
          `SELECT prm, contract, since AS event_date, 'entry' AS kind, 'snapshot' AS source
           FROM read_parquet([${list(snapshotFiles)}]) WHERE since <= ${day} ${only}`,
        ]),
  ];
  return rows.length === 0
    ? `SELECT NULL::VARCHAR AS prm, NULL::VARCHAR AS contract, NULL::DATE AS event_date, NULL::VARCHAR AS kind, NULL::VARCHAR AS source WHERE false`
    : rows.join(' UNION ALL ');
}

/**
 * The contracts in force on `date` (`YYYY-MM-DD`) from the C15 events of `files` and the snapshot
 * `snapshotFiles`: since ≤ date < exit (no problem: an exit before its since is none), ordered by
 * PRM, since and contract; only PRMs up to `through` when given (a head of the list: every row of
 * those PRMs, see {@link perimeterHeadBoundSql}). The contracts of `contractsSql` over `eventsSql`,
 * aggregated straight from the files, which is what makes it cheap (docs/billing.md, "The
 * perimeter"): every figure is a minimum, which an event stored twice cannot move, so events need
 * not be kept once each; and a snapshot row is superseded only by an earlier C15 entry, so the
 * entry is the earlier of the two either way (the same day: the C15 entry's source).
 */
export function perimeterSql(
  files: readonly string[],
  snapshotFiles: readonly string[],
  date: string,
  prms: readonly string[],
  through: string | null = null,
): string {
  const day = `DATE ${sqlString(date)}`;
  return `SELECT prm, contract, strftime(since, '%Y-%m-%d') AS since,
      CASE WHEN snapshot_since < c15_entry OR (c15_entry IS NULL AND snapshot_since IS NOT NULL) THEN 'snapshot' ELSE 'c15' END AS source
    FROM (
      SELECT *, coalesce(least(c15_entry, snapshot_since), first_c15) AS since
      FROM (
        SELECT prm, contract,
          min(event_date) FILTER (WHERE source = 'c15' AND kind = 'entry') AS c15_entry,
          min(event_date) FILTER (WHERE source = 'snapshot') AS snapshot_since,
          min(event_date) FILTER (WHERE source = 'c15') AS first_c15,
          min(event_date) FILTER (WHERE kind = 'exit') AS exit_date
        FROM (${perimeterEventsSql(files, snapshotFiles, date, prms, through)}) WHERE contract IS NOT NULL GROUP BY prm, contract))
    WHERE since <= ${day} AND (exit_date IS NULL OR ${day} < exit_date) AND (exit_date IS NULL OR exit_date >= since)
    ORDER BY prm, since, contract`;
}

/**
 * Where a head of the perimeter ends: the greatest PRM (`last`) among the first `events` rows of
 * `files` and `snapshotFiles` (only of `prms` when given) in PRM order, and how many were taken
 * (`taken`: fewer than `events` when they are all). The perimeter through `last` ({@link
 * perimeterSql}) holds every row of those PRMs, so it is the whole list's first rows, as many as
 * those PRMs' contracts in force. Rows are taken whatever their day or contract: a bare top-N of
 * one column, several times cheaper than one that reads and filters the events.
 */
export function perimeterHeadBoundSql(
  files: readonly string[],
  snapshotFiles: readonly string[],
  prms: readonly string[],
  events: number,
): string {
  const only = prms.length === 0 ? '' : `WHERE prm IN (${prms.map(sqlString).join(', ')})`;
  const reads = [
    ...(files.length === 0
      ? []
      : [`SELECT prm FROM read_parquet([${files.map(sqlString).join(', ')}], union_by_name = true) ${only}`]),
    ...(snapshotFiles.length === 0
      ? []
      : [`SELECT prm FROM read_parquet([${snapshotFiles.map(sqlString).join(', ')}]) ${only}`]),
  ];
  const rows = reads.length === 0 ? 'SELECT NULL::VARCHAR AS prm WHERE false' : reads.join(' UNION ALL ');
  return `SELECT max(prm) AS last, count(*) AS taken FROM (SELECT prm FROM (${rows}) ORDER BY prm LIMIT ${Math.trunc(events)})`;
}
