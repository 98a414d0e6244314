/**
 * One day of an RTE file → the bytes the ODRÉ export API gives for that day and source
 * (`/exports/csv?use_labels=false&delimiter=;&timezone=UTC`), so that an imported day is kept and
 * transformed exactly like a downloaded one.
 */
import { apiRecordsToExportCsv, type ApiRecord } from '../export-csv.js';
import type { RteFile, RteRow } from './file.js';
import type { Eco2mixSource } from '../sources.js';

export interface RteDayExport {
  readonly csv: string;
  readonly rows: number;
  /** First and last line of the file the rows came from. */
  readonly lines: readonly [number, number];
}

function apiRecord(row: RteRow): ApiRecord {
  const record: ApiRecord = {
    date: row.date,
    heure: row.time,
    date_heure: new Date(row.instant).toISOString(),
  };
  for (const [column, value] of row.cells) record[column] = value;
  return record;
}

/** Sources with rows on a day of the file, in the order courant downloads them. */
export function rteDaySources(file: RteFile, date: string): Eco2mixSource[] {
  const rows = file.days.get(date)?.rows ?? [];
  return (['realtime', 'consolidated'] as const).filter((source) => rows.some((row) => row.source === source));
}

/** The export CSV of one source's rows of a day (forecast-only rows included), or null when it has none. */
export function rteDayExport(file: RteFile, date: string, source: Eco2mixSource): RteDayExport | null {
  const rows = (file.days.get(date)?.rows ?? []).filter((row) => row.source === source);
  const [first] = rows;
  if (first === undefined) return null;
  const last = rows[rows.length - 1] ?? first;
  return { csv: apiRecordsToExportCsv(rows.map(apiRecord)), rows: rows.length, lines: [first.line, last.line] };
}
