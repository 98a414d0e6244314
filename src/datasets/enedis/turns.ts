/**
 * A turn for the Enedis dataset's heavy DuckDB work in one process, so that its memory stays
 * bounded whatever the number of files and days in flight (an ingestion of a month of daily files
 * claims them all at once, and their days then run together; their XML is read on a thread of its
 * own, `flow-thread.ts`, one file at a time):
 *
 * `withQueryDb` runs the DuckDB statements over a whole file or day (keeping a parse as Parquet, a
 * day's tables and checks), which sort, group or buffer every row, one turn at a time. They run in
 * a DuckDB of their own, on the threads and within the memory of their kind (`TurnKind`), spilling
 * to a folder of its own past it: the worker's shared DuckDB keeps its memory for the other
 * datasets. That DuckDB is kept open while turns keep coming — a backlog of thousands of files
 * takes thousands of turns, and opening and closing a DuckDB for each costs more than most turns'
 * work — and closed, its memory given back, once `IDLE_CLOSE_MS` pass without a turn or after
 * `TURNS_PER_DB` turns. Each turn has a connection of its own: its temporary tables end with it.
 * The next file's parse runs on its thread meanwhile. Work waiting for the turn holds no rows. A
 * task must not wait for the turn inside its own.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import { openDuckDb, withOwnDuckDb } from '../../duckdb/duckdb.js';
import { flowsBeingRead } from './flow-thread.js';

/** Whole-file or whole-day DuckDB statements of the dataset run at once in a process. */
export const QUERIES_AT_ONCE = 1;

/** The memory of the DuckDB running them (a day's alone: `DAY_MEMORY_LIMIT`); past it, a statement spills to its folder. */
export const QUERY_MEMORY_LIMIT = '128MB';

/** Rows per row group of the Parquet they write: the writer buffers less than with DuckDB's 122 880. */
export const ROW_GROUP_SIZE = 20_000;

/** How long the turns' DuckDB stays open after a turn, waiting for the next one. */
export const IDLE_CLOSE_MS = 5_000;

/** Turns a kept DuckDB serves before it is closed and another opened: what turns leave pinned never piles up. */
export const TURNS_PER_DB = 64;

/**
 * What a turn runs, which sets its threads and memory: a `claim` keeps a flow's values while the
 * flow thread reads the rest of it (one thread, `QUERY_MEMORY_LIMIT`: the parse takes another
 * core and its own memory); a `day`'s statements (its tables, its checks) run alone on
 * `DAY_THREADS` in `DAY_MEMORY_LIMIT` when no flow is being read, else as a claim's.
 */
export type TurnKind = 'claim' | 'day';

/** The threads of a day's turn with no flow being read: two where the machine has them. */
export const DAY_THREADS = Math.min(2, os.availableParallelism());

/** The memory of a day's turn with no flow being read (no segment of a flow is being kept then). */
export const DAY_MEMORY_LIMIT = '256MB';

/** The settings of a turn: those of the DuckDB instance, safe to change as its turns run one at a time. */
interface TurnSettings {
  readonly threads: number;
  readonly memoryLimit: string;
}

const settingsOf = (kind: TurnKind): TurnSettings =>
  kind === 'day' && !flowsBeingRead()
    ? { threads: DAY_THREADS, memoryLimit: DAY_MEMORY_LIMIT }
    : { threads: 1, memoryLimit: QUERY_MEMORY_LIMIT };

const queryTurn = pLimit(QUERIES_AT_ONCE);

interface TurnsDb {
  readonly instance: DuckDBInstance;
  /** Where it spills past its memory limit; removed with it. */
  readonly spill: string;
  /** Turns run on it so far. */
  turns: number;
  idle?: NodeJS.Timeout;
}

let open: Promise<TurnsDb> | null = null;

async function openTurnsDb(): Promise<TurnsDb> {
  const spill = await mkdtemp(path.join(os.tmpdir(), 'courant-enedis-turns-'));
  const instance = await openDuckDb({ threads: 1, memoryLimit: QUERY_MEMORY_LIMIT, tempDirectory: spill });
  return { instance, spill, turns: 0 };
}

/** Closes the turns' DuckDB unless a turn runs or waits. */
async function closeWhenIdle(db: TurnsDb): Promise<void> {
  if (queryTurn.activeCount > 0 || queryTurn.pendingCount > 0) return;
  open = null;
  db.instance.closeSync();
  await rm(db.spill, { recursive: true, force: true });
}

/** The kept DuckDB, opened when none is. */
async function turnsDb(): Promise<TurnsDb> {
  open ??= openTurnsDb();
  return open.catch((error: unknown) => {
    open = null;
    throw error;
  });
}

/** Closes the kept DuckDB now (a turn ran out of memory on it, or it served its turns). */
async function recycle(db: TurnsDb): Promise<void> {
  clearTimeout(db.idle);
  if (open !== null && (await open) === db) open = null;
  db.instance.closeSync();
  await rm(db.spill, { recursive: true, force: true });
}

function isOutOfMemory(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Out of Memory Error');
}

/** Runs `work` on the kept DuckDB with `settings`; `turn.first` says whether it was that DuckDB's first turn. */
async function runTurn<T>(
  work: (db: DuckDBConnection) => Promise<T>,
  settings: TurnSettings,
  turn: { first?: boolean } = {},
): Promise<T> {
  const db = await turnsDb();
  clearTimeout(db.idle);
  db.turns += 1;
  turn.first = db.turns === 1;
  const connection = await db.instance.connect();
  try {
    await connection.run(`SET threads = ${settings.threads}; SET memory_limit = '${settings.memoryLimit}'`);
    return await work(connection);
  } catch (error) {
    if (isOutOfMemory(error) && !turn.first && open !== null && (await open) === db) await recycle(db);
    throw error;
  } finally {
    connection.closeSync();
    if (open !== null && (await open) === db) {
      if (db.turns >= TURNS_PER_DB) await recycle(db);
      else db.idle = setTimeout(() => void closeWhenIdle(db), IDLE_CLOSE_MS).unref();
    }
  }
}

/**
 * Runs `work` in the turns' DuckDB (see the module's doc) once it is its turn. A turn that runs
 * out of memory there runs again, once, on a DuckDB opened for it: what the earlier turns left
 * pinned (results the JavaScript side has not collected yet) goes with the old one. `work` must be
 * safe to run again (the turns write whole files, or read).
 */
export function withQueryDb<T>(kind: TurnKind, work: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  return queryTurn(async () => {
    const turn: { first?: boolean } = {};
    try {
      return await runTurn(work, settingsOf(kind), turn);
    } catch (error) {
      if (!isOutOfMemory(error) || turn.first) throw error;
      return runTurn(work, settingsOf(kind));
    }
  });
}

/**
 * Runs `work` in its turn on a DuckDB of its own that keeps rows in insertion order (a report
 * reading rows back in the order it wrote them), closed after it; spills under `tempDirectory`.
 */
export function withOrderedQueryDb<T>(tempDirectory: string, work: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  return queryTurn(() =>
    withOwnDuckDb({ threads: 1, memoryLimit: QUERY_MEMORY_LIMIT, tempDirectory, preserveInsertionOrder: true }, work),
  );
}
