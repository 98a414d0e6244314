/** A DuckDB database with the worker's settings and a scratch directory, for one test file. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll } from 'vitest';
import { openDuckDb } from '../../src/duckdb/duckdb.js';

export interface ScratchDuckDb {
  /** Valid inside the tests of the file (opened before them, closed after). */
  readonly connection: DuckDBConnection;
  readonly dir: string;
}

/** One thread rather than the worker's two (`useScratchDuckDb`'s `threads`). */
export const ONE_THREAD = { threads: 1 } as const;

/**
 * Opens the database before the file's tests and closes it, removing the directory, after them.
 * `threads` replaces the worker's two for a file whose claims are verdicts and figures, not bytes
 * or row order: on the small tables of tests a second thread mostly costs CPU (bench/RESULTS.md,
 * "The test suite").
 */
export function useScratchDuckDb(prefix: string, options: { readonly threads?: number } = {}): ScratchDuckDb {
  const scratch = {} as { connection: DuckDBConnection; dir: string; close: () => void };
  beforeAll(async () => {
    scratch.dir = await mkdtemp(path.join(os.tmpdir(), prefix));
    const db = await openDuckDb({ tempDirectory: scratch.dir, ...options });
    scratch.connection = await db.connect();
    scratch.close = () => {
      scratch.connection.closeSync();
      db.closeSync();
    };
  });
  afterAll(async () => {
    scratch.close();
    await rm(scratch.dir, { recursive: true, force: true });
  });
  return scratch;
}
