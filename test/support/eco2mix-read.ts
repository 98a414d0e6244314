/**
 * eCO2mix exports through courant's DuckDB reader, for tests: a body read as one file (its kept
 * records in file order, rejects and accounting), and records merged into a day by the transform
 * itself (written as the day's exports, one per source, then read back from the Parquet).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { apiRecordsToExportCsv } from '../../src/datasets/eco2mix/export-csv.js';
import { READABLE_ROW, readEco2mixExports, type ExportReading } from '../../src/datasets/eco2mix/read-exports.js';
import {
  ECO2MIX_MEASURES,
  ECO2MIX_PARQUET_COLUMNS,
  ECO2MIX_TABLE,
  eco2mixRecordSchema,
  type Eco2mixRecord,
} from '../../src/datasets/eco2mix/record.js';
import type { Eco2mixSource } from '../../src/datasets/eco2mix/sources.js';
import { transformEco2mix } from '../../src/datasets/eco2mix/transform.js';
import type { RejectedRow } from '../../src/datasets/types.js';
import { readParquetRows } from '../../src/duckdb/read.js';
import { useScratchDuckDb } from './scratch-duckdb.js';

export interface ReadExport extends Omit<ExportReading, 'rejects'> {
  readonly records: Eco2mixRecord[];
  readonly rejects: RejectedRow[];
}

export interface MergedDay {
  readonly records: Eco2mixRecord[];
  /** The rejects file as the transform wrote it. */
  readonly rejects: Array<RejectedRow & { file: string }>;
  readonly rows: { read: number; written: number; rejected: number };
}

export interface Eco2mixReader {
  /** Reads `body` as the export `options.file` of `options.source`. Throws BadDataError as the transform would. */
  read(body: string | Uint8Array, options: { file: string; source: Eco2mixSource }): Promise<ReadExport>;
  /** The day's exports (bodies by source, in order) through the transform. */
  transform(date: string, exports: ReadonlyArray<readonly [Eco2mixSource, string | Uint8Array]>): Promise<MergedDay>;
  /** The day's series of `records` (each source's in order) as the transform writes it. */
  merge(records: readonly Eco2mixRecord[], date: string): Promise<Eco2mixRecord[]>;
}

const TABLE = 'test_export_rows';
let files = 0;

/** Records written as the ODRÉ CSV export would serve them. */
export function recordsToExport(records: readonly Eco2mixRecord[]): string {
  return apiRecordsToExportCsv(
    records.map((r) => ({
      date_heure: r.instant,
      nature: r.nature,
      ...Object.fromEntries(ECO2MIX_MEASURES.map((m) => [m, r[m]])),
    })),
    { ordered: false },
  );
}

/** A reader on a scratch DuckDB opened before the file's tests and closed after them. */
export function useEco2mixReader(prefix: string, options: { readonly threads?: number } = {}): Eco2mixReader {
  const scratch = useScratchDuckDb(prefix, options);
  const db = (): DuckDBConnection => scratch.connection;
  const stored = async (body: string | Uint8Array): Promise<string> => {
    files += 1;
    const file = path.join(scratch.dir, `export-${files}.csv`);
    await writeFile(file, body);
    return file;
  };

  async function read(body: string | Uint8Array, options: { file: string; source: Eco2mixSource }) {
    const input = { path: await stored(body), file: options.file, source: options.source, order: 0 };
    const [reading] = await readEco2mixExports(db(), [input], TABLE);
    if (!reading) throw new Error('no reading for the file');
    const columns = ECO2MIX_PARQUET_COLUMNS.map((c) =>
      c.name === 'instant' ? `strftime(timezone('UTC', instant), '%Y-%m-%dT%H:%M:%S.%gZ') AS instant` : c.name,
    );
    const rows = (
      await db().runAndReadAll(
        `SELECT ${columns.join(', ')} FROM (SELECT unnest(arg_max(t, line)) FROM ${TABLE} t WHERE ${READABLE_ROW} GROUP BY instant) ORDER BY line`,
      )
    ).getRowObjectsJson();
    await db().run(`DROP TABLE ${TABLE}`);
    return { ...reading, rejects: [...reading.rejects], records: rows.map((row) => eco2mixRecordSchema.parse(row)) };
  }

  async function transform(date: string, exports: ReadonlyArray<readonly [Eco2mixSource, string | Uint8Array]>) {
    files += 1;
    const dayFiles = await Promise.all(
      exports.map(async ([source, body], order) => ({
        source,
        key: `raw/eco2mix/dt=${date}/${source}.csv`,
        path: await stored(body),
        sha256: '',
        order,
        options: {},
      })),
    );
    const tablePath = (table: string) => path.join(scratch.dir, `${files}-${table}.parquet`);
    const rejectsPath = path.join(scratch.dir, `${files}-rejects.jsonl`);
    const outputs = await transformEco2mix({
      config: { baseUrl: 'http://127.0.0.1' },
      db: db(),
      days: [{ date, files: dayFiles }],
      tablePath: (_date, table) => tablePath(table),
      rejectsPath: () => rejectsPath,
      scratchDir: scratch.dir,
    });
    const output = outputs.get(date);
    if (!output) throw new Error(`the eCO2mix transform gave no output for ${date}`);
    const rows = await readParquetRows(db(), tablePath(ECO2MIX_TABLE), ECO2MIX_PARQUET_COLUMNS, 'instant');
    const rejects = (output.rows.rejected === 0 ? '' : await readFile(rejectsPath, 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as RejectedRow & { file: string });
    return { records: rows.map((row) => eco2mixRecordSchema.parse(row)), rejects, rows: { ...output.rows } };
  }

  async function merge(records: readonly Eco2mixRecord[], date: string) {
    const bySource = (['realtime', 'consolidated'] as const)
      .map((source) => [source, records.filter((r) => r.source === source)] as const)
      .filter(([, rows]) => rows.length > 0)
      .map(([source, rows]) => [source, recordsToExport(rows)] as const);
    return (await transform(date, bySource)).records;
  }

  return { read, transform, merge };
}
