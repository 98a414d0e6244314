/** Reading a day's eCO2mix series back from its Parquet partition, for the charts of the daily report. */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { ECO2MIX_PARQUET_COLUMNS, eco2mixRecordSchema, type Eco2mixRecord } from '../datasets/eco2mix/record.js';
import { readParquetFile } from '../parquet/read.js';
import type { ReportDeps } from './deps.js';

/** The day's records (one per instant, merged), ordered by instant. */
export async function readEco2mixDay(deps: ReportDeps, processedKey: string): Promise<Eco2mixRecord[]> {
  const scratch = await mkdtemp(path.join(deps.scratchDir, 'report-'));
  try {
    const local = path.join(scratch, 'day.parquet');
    await deps.objects.getToFile(processedKey, local);
    const rows = await readParquetFile(deps.duckdb, local, ECO2MIX_PARQUET_COLUMNS, 'instant');
    return rows.map((row) => eco2mixRecordSchema.parse(row));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
