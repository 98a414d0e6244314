/**
 * COPY statements that write one file in the query's row order. The worker's DuckDB does not keep
 * insertion order (bounded memory), and a parallel COPY then interleaves row groups from its
 * threads: the same rows would give different bytes on each run. PRESERVE_ORDER keeps the order of
 * the query, so equal inputs write byte-identical Parquet.
 */
import { sqlString } from './columns.js';

/**
 * `COPY (query) TO target` as zstd Parquet, rows in the order of the query; `rowGroupSize` rows a
 * row group (DuckDB's default otherwise): smaller groups, less memory buffered while writing.
 */
export function copyToParquetSql(query: string, target: string, rowGroupSize?: number): string {
  const groups = rowGroupSize === undefined ? '' : `, ROW_GROUP_SIZE ${rowGroupSize}`;
  return `COPY (${query}) TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd, PRESERVE_ORDER${groups})`;
}

/** `COPY (query) TO target` as JSON, an object a line (each as `to_json` gives it), rows in the order of the query. */
export function copyToJsonLinesSql(query: string, target: string): string {
  return `COPY (${query}) TO ${sqlString(target)} (FORMAT json, PRESERVE_ORDER)`;
}
