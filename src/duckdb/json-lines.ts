/** Writing the rows of a query as JSON lines with DuckDB (rejects of the transforms). */
import { sqlString } from './columns.js';

/** Text that never occurs in a JSON text: the delimiter of the single column written. */
const NEVER = `E'\\x1e\\x1f\\x1e\\x1f'`;

/**
 * Writes one JSON text per line, as it is: no header, no quoting (JSON escapes control characters),
 * in the order of the query.
 */
export function copyJsonLines(query: string, target: string): string {
  return `COPY (${query}) TO ${sqlString(target)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER ${NEVER}, PRESERVE_ORDER)`;
}
