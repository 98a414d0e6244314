/** One DuckDB instance per worker, tuned for bounded memory and offline use (docs/architecture.md). */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

export interface DuckDbOptions {
  readonly threads?: number;
  readonly memoryLimit?: string;
  readonly tempDirectory?: string;
  /** Keep rows in the order they were inserted (DuckDB's default; courant's is not to, which uses less memory). */
  readonly preserveInsertionOrder?: boolean;
  /**
   * Hand freed memory back to the system after every task rather than keep it for the next: for a
   * process that runs one large query after another (a month's billing slices), whose memory would
   * otherwise stay at the largest one's (bench/RESULTS.md, "Billing a month").
   */
  readonly returnMemoryEagerly?: boolean;
}

/** Both allocator thresholds of `returnMemoryEagerly`, in place of DuckDB's defaults (128 MB and 512 MB). */
const EAGER_FLUSH_THRESHOLD = '4MB';

export async function openDuckDb(options: DuckDbOptions = {}): Promise<DuckDBInstance> {
  const settings: Record<string, string> = {
    threads: String(options.threads ?? 2),
    memory_limit: options.memoryLimit ?? '512MB',
    preserve_insertion_order: String(options.preserveInsertionOrder ?? false),
    autoinstall_known_extensions: 'false',
    // DuckDB keeps every file it reads in its buffer pool by default; a worker reads thousands of
    // small staging and Parquet files, and its memory would climb to the limit and stay there.
    enable_external_file_cache: 'false',
  };
  if (options.tempDirectory) settings.temp_directory = options.tempDirectory;
  if (options.returnMemoryEagerly) {
    settings.allocator_flush_threshold = EAGER_FLUSH_THRESHOLD;
    settings.allocator_bulk_deallocation_flush_threshold = EAGER_FLUSH_THRESHOLD;
  }
  // Loaded at the first instance, not with this module: a command that never queries starts without DuckDB.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  return DuckDBInstance.create(':memory:', settings);
}

/**
 * Runs `work` on a DuckDB of its own, closed after: heavy work kept apart from the worker's
 * instance, its memory returned when it ends.
 */
export async function withOwnDuckDb<T>(options: DuckDbOptions, work: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await openDuckDb(options);
  try {
    const connection = await instance.connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
