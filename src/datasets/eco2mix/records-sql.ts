/**
 * The SQL that splits exports into CSV records, DuckDB reading the files itself: one row per
 * record with its file, the line it starts on (the header being line 1), its fields and whether it
 * is blank.
 * Line ends are `\n`, `\r\n` or a lone `\r`; a line end at the very end starts no record.
 *
 * A text without any double quote (how the API exports days) is one record per line, its fields
 * the text between delimiters. A text with quotes follows RFC 4180: a line whose quotes leave a
 * field open continues on the next line, a quoted field may hold the delimiter, line ends and `""`.
 * A quote anywhere else — in the middle of a field, after a closing quote, left open at the end —
 * leaves the record's `fields` NULL: the caller fails the file on that line.
 */
import { sqlString } from '../../duckdb/columns.js';
import type { CsvDelimiter } from './header.js';

/** What JavaScript's `trim()` removes, so that a cell reads the same whatever the reader. */
const WHITESPACE = sqlString(
  ' \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff',
);

/** A cell without the whitespace around it. */
export function trimmedSql(expression: string): string {
  return `trim(${expression}, ${WHITESPACE})`;
}

function linesSql(paths: readonly string[]): string {
  const body = String.raw`regexp_replace(regexp_replace(regexp_replace(content, '^\x{FEFF}', ''), '\r\n?', chr(10), 'g'), '\n\z', '')`;
  return `SELECT filename, unnest(lines) AS text, generate_subscripts(lines, 1)::INTEGER AS line
    FROM (SELECT filename, string_split(${body}, chr(10)) AS lines
      FROM read_text([${paths.map((p) => sqlString(p)).join(', ')}]) WHERE content <> '')`;
}

function quotedRecordsSql(paths: readonly string[], delimiter: CsvDelimiter): string {
  const field = `"(?:[^"]|"")*"|[^${delimiter}"]*`;
  const record = `(?:${field})(?:${delimiter}(?:${field}))*`;
  const unquote = `f -> CASE WHEN starts_with(f, '"') THEN replace(substring(f, 2, length(f) - 2), '""', '"') ELSE f END`;
  const split = `list_transform(regexp_extract_all(${sqlString(delimiter)} || text, ${sqlString(`${delimiter}(${field})`)}, 1), ${unquote})`;
  return `SELECT filename, line, CASE WHEN regexp_full_match(text, ${sqlString(record)}) THEN ${split} END AS fields
    FROM (
      SELECT filename, min(line) AS line, string_agg(text, chr(10) ORDER BY line) AS text
      FROM (
        SELECT filename, line, text, sum(starts::INTEGER) OVER (PARTITION BY filename ORDER BY line) AS record
        FROM (
          SELECT filename, line, text,
                 coalesce(sum(quotes) OVER (PARTITION BY filename ORDER BY line
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) % 2 = 0 AS starts
          FROM (SELECT filename, line, text, length(text) - length(replace(text, '"', '')) AS quotes
            FROM (${linesSql(paths)}))))
      GROUP BY filename, record)`;
}

/**
 * `filename, line, fields, blank` for every record of the files (`filename` as given): `fields`
 * NULL when its quoting is broken, `blank` when every field is empty or whitespace.
 */
export function csvRecordsSql(paths: readonly string[], delimiter: CsvDelimiter, quoted: boolean): string {
  if (quoted) {
    return `SELECT filename, line, fields, len(list_filter(fields, f -> ${trimmedSql('f')} <> '')) = 0 AS blank
      FROM (${quotedRecordsSql(paths, delimiter)})`;
  }
  const d = sqlString(delimiter);
  return `SELECT filename, line, string_split(text, ${d}) AS fields, ${trimmedSql(`replace(text, ${d}, '')`)} = '' AS blank
    FROM (${linesSql(paths)})`;
}
