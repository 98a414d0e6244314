/**
 * A turn for the Enedis dataset's heavy DuckDB work in one process, so that its memory stays
 * bounded whatever the number of files and days in flight (an ingestion of a month of daily files
 * claims them all at once, and their days then run together; their XML is read on a thread of its
 * own, `flow-thread.ts`, one file at a time):
 *
 * `withQueryDb` runs the DuckDB statements over a whole file, day or period (keeping a parse as
 * Parquet, a day's tables, a monthly report's energies), which sort, group or buffer every row, one
 * at a time. They run in a DuckDB of their own, opened for the statements and closed after them,
 * with one thread and `QUERY_MEMORY_LIMIT` (spilling to the given folder past it): the worker's
 * shared DuckDB keeps its memory for the other datasets, and what the statements used is given
 * back at once. The next file's parse runs on its thread meanwhile. Work waiting for the turn holds
 * no rows. A task must not wait for the turn inside its own.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import pLimit from 'p-limit';
import { withOwnDuckDb } from '../../duckdb/duckdb.js';

/** Whole-file or whole-day DuckDB statements of the dataset run at once in a process. */
export const QUERIES_AT_ONCE = 1;

/** The memory of the DuckDB running them; 500 000 values take about 150 MB with it. */
export const QUERY_MEMORY_LIMIT = '128MB';

/** Rows per row group of the Parquet they write: the writer buffers less than with DuckDB's 122 880. */
export const ROW_GROUP_SIZE = 20_000;

const queryTurn = pLimit(QUERIES_AT_ONCE);

/** Runs `work` on a DuckDB of its own (see the module's doc) once it is its turn; spills under `tempDirectory`. */
export function withQueryDb<T>(tempDirectory: string, work: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  return queryTurn(() => withOwnDuckDb({ threads: 1, memoryLimit: QUERY_MEMORY_LIMIT, tempDirectory }, work));
}
