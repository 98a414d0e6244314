/**
 * The eCO2mix national dataset's pieces of the module contract: its configuration, its two
 * sources per day (real time and consolidated), the transform of the day's exports into one row
 * per instant, and the DESIGN §6 metrics.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeParquetRows } from '../../parquet/write.js';
import type {
  DatasetConfig,
  DayMetrics,
  HttpInput,
  MetricsContext,
  TransformContext,
  TransformOutput,
} from '../contract.js';
import { eco2mixDayMetrics } from './day-metrics.js';
import { mergeEco2mixSources } from './merge.js';
import { assertEco2mixCsv, parseEco2mixCsv } from './parse.js';
import { ECO2MIX_PARQUET_COLUMNS, ECO2MIX_TABLE } from './record.js';
import { ECO2MIX_SOURCES, eco2mixExportUrl, type Eco2mixSource } from './sources.js';

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

function sourceOf(source: string): Eco2mixSource {
  const known = ECO2MIX_SOURCES.find((s) => s.source === source);
  if (!known) throw new RangeError(`eco2mix has no source "${source}"`);
  return known.source;
}

/** An export's first bytes: UTF-8, not HTML, an eCO2mix header. Throws BadDataError. */
export function checkEco2mixDownload(_source: string, body: Uint8Array, file: string): void {
  assertEco2mixCsv(body, file);
}

/** The day's exports → `eco2mix_national` (one row per instant of the Paris day) and the rejected rows. */
export async function transformEco2mix(context: TransformContext<Eco2mixConfig>): Promise<TransformOutput> {
  const inputs = await Promise.all(
    context.files.map(async (file) => ({ source: file.source, file: file.key, body: await readFile(file.path) })),
  );
  const parsed = inputs.map((input) => ({
    input,
    result: parseEco2mixCsv(input.body, { file: input.file, source: sourceOf(input.source) }),
  }));
  const records = mergeEco2mixSources(
    parsed.flatMap((p) => p.result.records),
    context.date,
  );
  const rejects = parsed.flatMap((p) => p.result.rejects.map((r) => ({ file: p.input.file, ...r })));
  const result = { records, rejects, rowsRead: parsed.reduce((n, p) => n + p.result.rowsRead, 0) };
  const written = await writeParquetRows(
    context.db,
    result.records,
    ECO2MIX_PARQUET_COLUMNS,
    context.tablePath(ECO2MIX_TABLE),
  );
  await writeFile(context.rejectsPath, result.rejects.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return { tables: [ECO2MIX_TABLE], rows: { read: result.rowsRead, written, rejected: result.rejects.length } };
}

/** The DESIGN §6 document of the day, from its `eco2mix_national` table. */
export async function eco2mixMetrics(context: MetricsContext<Eco2mixConfig>): Promise<DayMetrics> {
  const table = context.tables[ECO2MIX_TABLE];
  if (table === undefined) throw new Error(`no ${ECO2MIX_TABLE} table for ${context.date}`);
  const document = await eco2mixDayMetrics(context.db, context.date, table);
  return { document, completeness: document.completeness };
}
