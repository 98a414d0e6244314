/**
 * The eCO2mix national dataset's pieces of the module contract: its configuration, its two
 * sources per day (real time and consolidated), the transform of the day's exports into one row
 * per instant, and the metrics of docs/architecture.md#metrics-documents.
 */
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { copyToParquetSql } from '../../parquet/copy.js';
import type { DatasetConfig, DayMetrics, MetricsContext, TransformContext, TransformOutput } from '../contract.js';
import type { HttpInput } from '../inputs.js';
import { eco2mixDayMetrics } from './day-metrics.js';
import { assertEco2mixCsv } from './export-file.js';
import { mergedEco2mixSql } from './merge-sql.js';
import { readEco2mixExports } from './read-exports.js';
import { ECO2MIX_TABLE } from './record.js';
import { ECO2MIX_SOURCES, eco2mixExportUrl, eco2mixSourceOf } from './sources.js';

export interface Eco2mixConfig {
  /** The ODRÉ portal (Explore API v2.1). */
  readonly baseUrl: string;
}

export const eco2mixConfig: DatasetConfig<Eco2mixConfig> = {
  env: z.object({
    ECO2MIX_BASE_URL: z
      .url()
      .refine((v) => v.startsWith('http:') || v.startsWith('https:'), { message: 'must be a http or https URL' })
      .default('https://odre.opendatasoft.com'),
  }),
  read: (env) => ({ baseUrl: String(env.ECO2MIX_BASE_URL) }),
};

/** The two ODRÉ exports of the day, real time first: consolidated rows win when both cover an instant. */
export function eco2mixInputs(date: string, config: Eco2mixConfig): HttpInput[] {
  return ECO2MIX_SOURCES.map(({ source, datasetId }) => ({
    kind: 'http',
    source,
    url: eco2mixExportUrl(config.baseUrl, datasetId, date),
    extension: 'csv',
  }));
}

/** An export's first bytes: UTF-8, not HTML, an eCO2mix header. Throws BadDataError. */
export function checkEco2mixDownload(_source: string, body: Uint8Array, file: string): void {
  assertEco2mixCsv(body, file);
}

/** Temporary table of the day's rows while the transform runs (one connection per transform). */
const ROWS_TABLE = 'eco2mix_export_rows';

/**
 * The day's exports → `eco2mix_national` (one row per instant of the Paris day) and the rejected
 * rows: DuckDB reads the raw files, checks and merges the rows and writes the Parquet.
 */
export async function transformEco2mix(context: TransformContext<Eco2mixConfig>): Promise<TransformOutput> {
  const inputs = context.files.map((file, order) => ({
    path: file.path,
    file: file.key,
    source: eco2mixSourceOf(file.source),
    order,
  }));
  try {
    const readings = await readEco2mixExports(context.db, inputs, ROWS_TABLE);
    const written = await context.db.runAndReadAll(
      copyToParquetSql(
        mergedEco2mixSql(ROWS_TABLE, context.date, {
          files: readings.length,
          repeated: readings.some((r) => r.repeated),
        }),
        context.tablePath(ECO2MIX_TABLE),
      ),
    );
    const rejects = readings.flatMap((r) => r.rejects.map((reject) => ({ file: r.file, ...reject })));
    await writeFile(context.rejectsPath, rejects.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const rowsRead = readings.reduce((n, r) => n + r.rowsRead, 0);
    return {
      tables: [ECO2MIX_TABLE],
      rows: { read: rowsRead, written: Number(written.getRows()[0]?.[0] ?? 0), rejected: rejects.length },
    };
  } finally {
    await context.db.run(`DROP TABLE IF EXISTS ${ROWS_TABLE}`);
  }
}

/** The metrics document of the day (docs/architecture.md#metrics-documents), from its `eco2mix_national` table. */
export async function eco2mixMetrics(context: MetricsContext<Eco2mixConfig>): Promise<DayMetrics> {
  const table = context.tables[ECO2MIX_TABLE];
  if (table === undefined) throw new Error(`no ${ECO2MIX_TABLE} table for ${context.date}`);
  const document = await eco2mixDayMetrics(context.db, context.date, table);
  return { document, completeness: document.completeness };
}
