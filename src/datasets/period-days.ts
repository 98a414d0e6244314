/** Reading one table of a period's days in one query, each row with the date of its day. */
import { sqlString } from '../duckdb/columns.js';
import type { PeriodReportContext } from './report-contract.js';

/**
 * SQL giving every row of table `table` of the period's days with the day's date as `day`, or
 * null when the period has no day: what a period section groups by day.
 */
export function periodRowsSql(days: PeriodReportContext<unknown>['days'], table: string): string | null {
  const files = days.flatMap((d) => {
    const local = d.tables[table];
    return local === undefined ? [] : [{ path: sqlString(local), date: sqlString(d.date) }];
  });
  if (files.length === 0) return null;
  return `SELECT t.*, f.day FROM read_parquet([${files.map((f) => f.path).join(', ')}], filename = true) t
    JOIN (VALUES ${files.map((f) => `(${f.path}, ${f.date})`).join(', ')}) f(path, day) ON t.filename = f.path`;
}
