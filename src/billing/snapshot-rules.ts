/**
 * What a row of a go-live snapshot must hold (docs/billing.md, "Going live"), as SQL: the columns
 * of the rows read (`snapshot_rows`, snapshot-csv.ts), trimmed and typed, then each column's first
 * fault — a control character first (none belongs in a reference, and a message never echoes
 * one), then its form — then a contract given twice with other values, or already in the stored
 * snapshot with other values. A subscribed power billing would refuse (`kva_out_of_range`) is
 * refused here, before it enters the snapshot.
 */
import { sqlString } from '../duckdb/columns.js';
import { MAX_KVA } from './month/problems.js';
import { SNAPSHOT_COLUMNS, type SnapshotTexts } from './snapshot-csv.js';

/** Unicode's control characters: C0, DEL and C1. */
const CONTROL = `'\\p{Cc}'`;

/**
 * The columns of a row, from its five texts (`texts`, SQL): trimmed, the kVA and the day typed
 * (null where the text is not one), and whether it holds printable text only: one regular
 * expression a row, each column of a row that does not looked at apart.
 */
export function typedColumnsSql(texts: SnapshotTexts): string {
  return `trim(${texts.prm}) AS prm, trim(${texts.contract}) AS contract, trim(${texts.fta}) AS fta,
    trim(${texts.kva}) AS kva_text, TRY_CAST(trim(${texts.kva}) AS DECIMAL(9, 3)) AS kva, trim(${texts.since}) AS since_text,
    CASE WHEN regexp_full_match(trim(${texts.since}), '\\d{4}-\\d{2}-\\d{2}') THEN TRY_CAST(trim(${texts.since}) AS DATE) END AS since,
    NOT regexp_matches(concat_ws(',', ${SNAPSHOT_COLUMNS.map((c) => texts[c]).join(', ')}), ${CONTROL}) AS printable`;
}

/** `text` quoted for a message, or `nothing`. */
const shown = (text: string) => `coalesce('"' || ${text} || '"', 'nothing')`;

/** The fault of a text holding a control character: which (U+XXXX) and where. */
const controlFault = (text: string) =>
  `CASE WHEN NOT printable AND regexp_matches(${text}, ${CONTROL}) THEN 'a control character, ' ||
    printf('U+%04X', unicode(regexp_extract(${text}, ${CONTROL}))) || ', at character ' ||
    instr(${text}, regexp_extract(${text}, ${CONTROL})) || ': a snapshot holds printable text only' END`;

/** Each column's text in `snapshot_rows`, and its faults after the control character's, first match wins. */
function columnRules(ftas: string): ReadonlyArray<readonly [column: string, text: string, rules: string]> {
  return [
    [
      'prm',
      'prm',
      `WHEN prm IS NULL OR NOT regexp_full_match(prm, '\\d{14}') THEN 'a PRM is 14 digits, got ' || ${shown('prm')}`,
    ],
    ['contract', 'contract', `WHEN coalesce(contract, '') = '' THEN 'no contract reference'`],
    [
      'fta',
      'fta',
      `WHEN fta IS NULL OR fta NOT IN (${ftas}) THEN 'no TURPE rate knows the FTA ' || coalesce('"' || fta || '"', '(none)')`,
    ],
    [
      'kva',
      'kva_text',
      `WHEN kva IS NULL THEN 'not a number of kVA: ' || ${shown('kva_text')}
       WHEN kva <= 0 OR kva > ${MAX_KVA} THEN 'a subscribed power is above 0 and at most ${MAX_KVA} kVA (billing refuses others: kva_out_of_range), got ' || kva_text`,
    ],
    [
      'since',
      'since_text',
      `WHEN since IS NULL THEN 'not a day written YYYY-MM-DD that exists: ' || ${shown('since_text')}`,
    ],
  ];
}

/**
 * The faults of the rows (`line`, `column`, `problem`, `rank`: the column's place), against the
 * FTAs the TURPE rates know (`ftas`, SQL texts) and the stored snapshot (`stored`, a query).
 */
export function snapshotFaultsSql(ftas: readonly string[], stored: string): string {
  const known = ftas.map(sqlString).join(', ');
  const perColumn = columnRules(known).map(
    ([column, text, rules]) => `SELECT line, '${column}' AS "column", problem FROM (
        SELECT line, coalesce(${controlFault(text)}, CASE ${rules} END) AS problem
        FROM snapshot_rows) WHERE problem IS NOT NULL`,
  );
  // Rows with a control character are refused for it, and never quoted in the messages below.
  const printable = `(SELECT * FROM snapshot_rows WHERE printable)`;
  return `SELECT *, list_position([${SNAPSHOT_COLUMNS.map((c) => `'${c}'`).join(', ')}], "column") AS rank FROM (
    ${perColumn.join('\n    UNION ALL ')}
    UNION ALL SELECT a.line, 'contract', 'contract ' || a.contract || ' of PRM ' || a.prm || ' is also on line ' || b.line || ' with other values'
      FROM ${printable} a JOIN ${printable} b ON a.prm = b.prm AND a.contract = b.contract AND a.line > b.line
      WHERE (a.fta, a.kva, a.since) IS DISTINCT FROM (b.fta, b.kva, b.since)
    UNION ALL SELECT r.line, CASE WHEN r.fta IS DISTINCT FROM s.fta THEN 'fta' WHEN r.kva IS DISTINCT FROM s.kva THEN 'kva' ELSE 'since' END,
        'contract ' || r.contract || ' of PRM ' || r.prm || ' is already in the snapshot as ' || s.fta || ' ' || s.kva_text || ' kVA since ' ||
        strftime(s.since, '%Y-%m-%d') || ' (from ' || s.file || ', line ' || s.line || ')'
      FROM ${printable} r JOIN (${stored}) s ON s.prm = r.prm AND s.contract = r.contract
      WHERE (r.fta, r.kva, r.since) IS DISTINCT FROM (s.fta, s.kva, s.since))`;
}
