/**
 * Stage 2c, the perimeter's gaps and overlaps, never silent:
 *
 * - `readings_without_contract`: a PRM with readings in the month (instants from the month's first
 *   day's end to its last day's end) and no contract supplied in it: Enedis sends readings only for
 *   the PRMs of the supplier's perimeter, so a contract is missing. A row of its own, never billed;
 * - `contract_overlaps`: two contracts of one PRM supplied on the same days: each names the other and the
 *   days, both rows still bill them (which is right is the supplier's call).
 */
import { sqlString } from '../../duckdb/columns.js';
import type { MonthScope, Relation } from './relations.js';

/**
 * Per PRM of the scope, its first and last reading instants in the month, from the
 * `index_readings` tables `files` (the month's days and the day before): what `reading_spans` reads.
 */
export function readingSpansSql(scope: MonthScope, files: readonly string[]): string {
  if (files.length === 0)
    return `SELECT NULL::VARCHAR AS prm, NULL::TIMESTAMPTZ AS first_at, NULL::TIMESTAMPTZ AS last_at WHERE false`;
  return `SELECT prm, min(reading_at) AS first_at, max(reading_at) AS last_at
    FROM read_parquet([${files.map(sqlString).join(', ')}])
    WHERE class_kind = 'distributor' AND reading_at > ${scope.midnight(scope.start)} AND reading_at <= ${scope.midnight(scope.end)}
      ${scope.only('prm')}
    GROUP BY prm ORDER BY prm`;
}

export function perimeterCheckRelations(scope: MonthScope, readingSpans: string): Relation[] {
  return [
    { name: 'reading_spans', sql: `SELECT * FROM (${readingSpans}) WHERE true ${scope.only('prm')}` },
    {
      name: 'readings_without_contract',
      sql: `SELECT s.* FROM reading_spans s ANTI JOIN sub_periods p USING (prm)`,
    },
    {
      name: 'contract_overlaps',
      sql: `SELECT a.prm, a.contract, b.contract AS other,
          min(greatest(a.from_date, b.from_date)) AS from_date, max(least(a.to_date, b.to_date)) AS to_date,
          sum(least(a.to_date, b.to_date) - greatest(a.from_date, b.from_date))::INTEGER AS days
        FROM sub_periods a JOIN sub_periods b ON a.prm = b.prm AND a.contract <> b.contract
          AND greatest(a.from_date, b.from_date) < least(a.to_date, b.to_date)
        GROUP BY a.prm, a.contract, b.contract`,
    },
  ];
}
