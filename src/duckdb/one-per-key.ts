/**
 * One row per key of a query, the first by an order among the rows that share it, as
 * `QUALIFY row_number() OVER (PARTITION BY key ORDER BY order) = 1` gives, in memory that stays
 * bounded however many rows there are.
 *
 * Only the keys held by more than one row go through the window, found by an aggregate of the keys'
 * hash alone: where nearly every key is held once (a day's readings of a million PRMs), a window
 * over every row holds each row's columns in its partitions and outgrows a DuckDB of bounded
 * memory, where the aggregate, the joins and a sort after spill (bench/RESULTS.md, "A day of a
 * million PRMs"). Rows sharing a key share its hash, so a hash held once is a key held once; two
 * keys whose hashes collide only send their rows through the window, which partitions by the keys
 * themselves.
 */

/**
 * The rows of the query `rows`, one per `key` (expressions over its columns; a NULL equals a NULL,
 * as in a window's partitions and in `hash`): of the rows sharing a key, the first by `order` (an
 * ORDER BY list). `rows` is read three times: a query over files, not one that computes much.
 */
export function onePerKeySql(rows: string, key: readonly string[], order: string): string {
  const hashed = `hash(${key.join(', ')})`;
  return `WITH one_dup AS (SELECT ${hashed} AS one_hash FROM (${rows}) GROUP BY ALL HAVING count(*) > 1)
    SELECT one_once.* FROM (${rows}) AS one_once ANTI JOIN one_dup ON ${hashed} = one_dup.one_hash
    UNION ALL
    SELECT one_more.* FROM (${rows}) AS one_more SEMI JOIN one_dup ON ${hashed} = one_dup.one_hash
    QUALIFY row_number() OVER (PARTITION BY ${key.join(', ')} ORDER BY ${order}) = 1`;
}
