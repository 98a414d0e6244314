/**
 * One row per key of a query, the first by an order among the rows that share it, as
 * `QUALIFY row_number() OVER (PARTITION BY key ORDER BY order) = 1` gives, in memory that stays
 * bounded however many rows there are.
 *
 * Only the keys held by more than one row go through the window, found by an aggregate of the keys
 * alone: where nearly every key is held once (a day's readings of a million PRMs), a window over
 * every row holds each row's columns in its partitions and outgrows a DuckDB of bounded memory,
 * where the aggregate, the joins and a sort after spill (bench/RESULTS.md, "A day of a million PRMs").
 */

/**
 * The rows of the query `rows`, one per `key` (expressions over its columns; a NULL equals a NULL,
 * as in a window's partitions): of the rows sharing a key, the first by `order` (an ORDER BY list).
 * `rows` is read three times: a query over files, not one that computes much.
 */
export function onePerKeySql(rows: string, key: readonly string[], order: string): string {
  const keys = key.map((_, i) => `one_k${i}`);
  const sameKey = key.map((k, i) => `(${k}) IS NOT DISTINCT FROM one_dup.${keys[i]}`).join(' AND ');
  return `WITH one_dup AS (
      SELECT ${key.map((k, i) => `${k} AS ${keys[i]}`).join(', ')} FROM (${rows}) GROUP BY ALL HAVING count(*) > 1)
    SELECT one_once.* FROM (${rows}) AS one_once ANTI JOIN one_dup ON ${sameKey}
    UNION ALL
    SELECT one_more.* FROM (${rows}) AS one_more SEMI JOIN one_dup ON ${sameKey}
    QUALIFY row_number() OVER (PARTITION BY ${key.join(', ')} ORDER BY ${order}) = 1`;
}
