/**
 * Reading a day's eCO2mix exports with DuckDB: each file is checked whole (UTF-8, its header), then
 * DuckDB reads every record of every file into one temporary table (rows-sql.ts); of two readable
 * rows of a file for the same instant, the earlier is rejected as superseded by the later one.
 * Rows come out with the line they start on; every record of a file is accounted for (kept,
 * rejected, or skipped as header or blank), and a record whose quoting is broken fails its file.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readFile } from 'node:fs/promises';
import { BadDataError } from '../../workflow-safe/errors.js';
import type { RejectedRow } from '../types.js';
import type { RowAccounting } from './accounting.js';
import { checkEco2mixExport, type CheckedExport } from './export-file.js';
import type { Eco2mixHeader } from './header.js';
import { exportRowsSql, type Eco2mixExport } from './rows-sql.js';

/** Why a record of an export is not a row. */
export type CsvSkip = 'header' | 'blank';

export interface ExportReading {
  readonly file: string;
  /** Whether readable rows of the file repeat an instant (the earlier ones are superseded). */
  readonly repeated: boolean;
  /** Data rows read, kept or rejected (header and blank records not counted). */
  readonly rowsRead: number;
  /** Rejected rows, superseded ones included, by line. */
  readonly rejects: readonly RejectedRow[];
  /** Every record of the file: read = kept + rejected + skipped (the header, blank records). */
  readonly accounting: RowAccounting<CsvSkip>;
}

/** A row of the table that can be read; the last of them for an instant in a file is kept. */
export const READABLE_ROW = `kind = 'row' AND reject IS NULL`;

interface Repeated {
  instant: string;
  lines: number[];
  values: string[];
}

interface Summary {
  file_order: number;
  records: number;
  blank: number;
  rows: number;
  malformed: number | null;
  /** Readable rows and the distinct instants they give: equal unless an instant is repeated. */
  readable: number;
  instants: number;
  rejects: Array<{ line: number; column_name: string | null; value: string; reason: string }> | null;
}

const SUMMARY = (table: string) => `
SELECT file_order, count(*)::INTEGER AS records, (count(*) FILTER (WHERE kind = 'blank'))::INTEGER AS blank,
  (count(*) FILTER (WHERE kind = 'row'))::INTEGER AS rows, min(line) FILTER (WHERE kind = 'malformed') AS malformed,
  (count(*) FILTER (WHERE ${READABLE_ROW}))::INTEGER AS readable,
  (count(DISTINCT instant) FILTER (WHERE ${READABLE_ROW}))::INTEGER AS instants,
  list({'line': line, 'column_name': reject.column_name, 'value': reject.value, 'reason': reject.reason} ORDER BY line)
    FILTER (WHERE reject IS NOT NULL) AS rejects
FROM ${table} GROUP BY file_order ORDER BY file_order`;

interface Repeated {
  file_order: number;
  instant: string;
  lines: number[];
  values: string[];
}

/** Instants that readable rows of a file give more than once, with those rows' lines and cells. */
const REPEATED = (table: string) => `
SELECT file_order, strftime(timezone('UTC', instant), '%Y-%m-%dT%H:%M:%S.%gZ') AS instant,
  list(line ORDER BY line) AS lines, list(raw_instant ORDER BY line) AS values
FROM ${table} WHERE ${READABLE_ROW} GROUP BY file_order, instant HAVING count(*) > 1`;

/** The earlier rows of a repeated instant, each superseded by the next one. */
function supersededRows(repeated: readonly Repeated[]): RejectedRow[] {
  return repeated.flatMap(({ instant, lines, values }) =>
    lines.slice(0, -1).map((line, i) => ({
      line: Number(line),
      column: 'date_heure',
      value: values[i] ?? '',
      reason: `duplicate instant ${instant}: superseded by line ${Number(lines[i + 1])}`,
    })),
  );
}

interface HeaderGroup {
  readonly header: Eco2mixHeader;
  readonly quoted: boolean;
  readonly inputs: Eco2mixExport[];
}

/** Exports with the same header and quoting, read by one statement (a year's exports share one). */
function groupedByHeader(
  reads: ReadonlyArray<{ input: Eco2mixExport; checked: CheckedExport }>,
): Map<string, HeaderGroup> {
  const groups = new Map<string, HeaderGroup>();
  for (const { input, checked } of reads) {
    const { header, quoted } = checked;
    const key = JSON.stringify([header.delimiter, header.width, [...header.indexOf], quoted]);
    const group = groups.get(key);
    if (group) group.inputs.push(input);
    else groups.set(key, { header, quoted, inputs: [input] });
  }
  return groups;
}

/**
 * Reads `inputs` into the temporary table `table` (replaced): their rows with `file_order, file,
 * source, line, kind, instant, nature, <measures>, reject, raw_instant`; see {@link READABLE_ROW}.
 * Returns each file's rows read, rejects and accounting, in the order given. Throws BadDataError for a file that is not an eCO2mix export or whose quoting is broken.
 */
export async function readEco2mixExports(
  db: DuckDBConnection,
  inputs: readonly Eco2mixExport[],
  table: string,
): Promise<ExportReading[]> {
  const reads = await Promise.all(
    inputs.map(async (input) => ({ input, checked: checkEco2mixExport(await readFile(input.path), input.file) })),
  );
  const union = [...groupedByHeader(reads).values()].map(
    (group) => `(${exportRowsSql(group.inputs, group.header, group.quoted)})`,
  );
  const reader = await db.runAndReadAll(
    `CREATE OR REPLACE TEMP TABLE ${table} AS ${union.join(' UNION ALL ')};\n${SUMMARY(table)}`,
  );
  const summaries = reader.getRowObjectsJson() as unknown as Summary[];
  // Repeated instants are rare: they are looked for only in a file that has some.
  const repeated = summaries.some((s) => s.readable !== s.instants)
    ? ((await db.runAndReadAll(REPEATED(table))).getRowObjectsJson() as unknown as Repeated[])
    : [];
  return reads.map(({ input }) => {
    const summary = summaries.find((s) => Number(s.file_order) === input.order);
    if (summary?.malformed != null) {
      throw new BadDataError(
        { file: input.file, line: Number(summary.malformed) },
        'the CSV is malformed: a double quote opens or closes a field in the wrong place',
      );
    }
    const rejects = [
      ...(summary?.rejects ?? []).map(({ line, column_name: column, value, reason }) => ({
        line: Number(line),
        ...(column === null ? {} : { column }),
        value,
        reason,
      })),
      ...supersededRows(repeated.filter((r) => Number(r.file_order) === input.order)),
    ].sort((a, b) => a.line - b.line);
    const records = summary?.records ?? 0;
    const rowsRead = summary?.rows ?? 0;
    const blank = summary?.blank ?? 0;
    return {
      file: input.file,
      repeated: (summary?.readable ?? 0) !== (summary?.instants ?? 0),
      rowsRead,
      rejects,
      accounting: {
        read: records,
        kept: rowsRead - rejects.length,
        rejected: rejects.length,
        skipped: { header: 1, blank },
      },
    };
  });
}
