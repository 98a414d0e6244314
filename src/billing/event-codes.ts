/**
 * The C15 event codes (`Nature_Evenement`) billing knows, by what they do to a contract: an entry
 * starts supply, an exit ends it, a change may change the situation (FTA, kVA) from its date. Any
 * other code is still applied as a change, and named as a problem (`unknown_event`).
 */
export const EVENT_KINDS = {
  entry: ['MES', 'PMES', 'CFNE'],
  exit: ['RES', 'CFNS'],
  change: ['MCT', 'MDCTR', 'MDPRM'],
} as const;

/** SQL: the kind of the event code in `column` (`entry`, `exit`, `change` or `unknown`). */
export function eventKindSql(column: string): string {
  const list = (codes: readonly string[]) => codes.map((c) => `'${c}'`).join(', ');
  return `CASE WHEN ${column} IN (${list(EVENT_KINDS.entry)}) THEN 'entry'
    WHEN ${column} IN (${list(EVENT_KINDS.exit)}) THEN 'exit'
    WHEN ${column} IN (${list(EVENT_KINDS.change)}) THEN 'change' ELSE 'unknown' END`;
}
