/**
 * Turns for the Enedis dataset's heavy work in one process, so that its memory stays bounded
 * whatever the number of files and days in flight (an ingestion of a month of daily files claims
 * them all at once, and their days then run together):
 *
 * - `parseTurn`: reading a flow's XML, JavaScript on the process's one thread (more at once only
 *   adds parser memory, not speed);
 * - `withQueryDb`: the DuckDB statements over a whole file, day or period (keeping a parse as
 *   Parquet, a day's tables, a monthly report's energies), which sort, group or buffer every row. They run in a DuckDB of their own, opened for
 *   the statements and closed after them, with one thread and `QUERY_MEMORY_LIMIT` (spilling to
 *   the given folder past it): the worker's shared DuckDB keeps its memory for the other datasets,
 *   and what the statements used is given back at once.
 *
 * One of each at a time: the next file's parse runs on the JavaScript thread while DuckDB keeps
 * the previous one, or writes a day's tables, on its own thread. Work waiting for a turn holds no
 * rows. A task must not wait for a turn of the same kind inside its own.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import pLimit from 'p-limit';
import { withOwnDuckDb } from '../../parquet/duckdb.js';

/** Flow files parsed at once in a process. */
export const PARSES_AT_ONCE = 1;

/** Whole-file or whole-day DuckDB statements of the dataset run at once in a process. */
export const QUERIES_AT_ONCE = 1;

/** The memory of the DuckDB running them; 500 000 values take about 150 MB with it. */
export const QUERY_MEMORY_LIMIT = '128MB';

/** Rows per row group of the Parquet they write: the writer buffers less than with DuckDB's 122 880. */
export const ROW_GROUP_SIZE = 20_000;

export const parseTurn = pLimit(PARSES_AT_ONCE);
const queryTurn = pLimit(QUERIES_AT_ONCE);

/** Runs `work` on a DuckDB of its own (see the module's doc) once it is its turn; spills under `tempDirectory`. */
export function withQueryDb<T>(tempDirectory: string, work: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  return queryTurn(() => withOwnDuckDb({ threads: 1, memoryLimit: QUERY_MEMORY_LIMIT, tempDirectory }, work));
}
