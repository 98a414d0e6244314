/**
 * The eCO2mix national dataset as the generic activities see it: two sources per day (real-time
 * and consolidated), one table, the metrics of DESIGN §6.
 */
import type { DatasetPipeline, SourcedReject } from '../pipeline.js';
import { mergeEco2mixSources } from './merge.js';
import { computeEco2mixMetrics } from './metrics.js';
import { assertEco2mixCsv, parseEco2mixCsv } from './parse.js';
import { ECO2MIX_PARQUET_COLUMNS, ECO2MIX_TABLE, eco2mixRecordSchema, type Eco2mixRecord } from './record.js';
import { ECO2MIX_SOURCES, eco2mixExportUrl } from './sources.js';

function sourceEntry(source: string) {
  const entry = ECO2MIX_SOURCES.find((s) => s.source === source);
  if (!entry) throw new RangeError(`eco2mix has no source "${source}"`);
  return entry;
}

export const eco2mixPipeline: DatasetPipeline<Eco2mixRecord> = {
  name: 'eco2mix',
  table: ECO2MIX_TABLE,
  columns: ECO2MIX_PARQUET_COLUMNS,

  sourceRequest(source, date, urls) {
    return { source, url: eco2mixExportUrl(urls.eco2mix, sourceEntry(source).datasetId, date), extension: 'csv' };
  },

  checkRaw(body, file) {
    assertEco2mixCsv(body, file);
  },

  /** Rows read counts every row of every source; rows outside the day or superseded by another source are not written. */
  transform(date, inputs) {
    const records: Eco2mixRecord[] = [];
    const rejects: SourcedReject[] = [];
    let rowsRead = 0;
    for (const input of inputs) {
      const parsed = parseEco2mixCsv(input.body, { file: input.file, source: sourceEntry(input.source).source });
      records.push(...parsed.records);
      rejects.push(...parsed.rejects.map((r) => ({ file: input.file, ...r })));
      rowsRead += parsed.rowsRead;
    }
    return { table: ECO2MIX_TABLE, records: mergeEco2mixSources(records, date), rejects, rowsRead };
  },

  fromRow(row) {
    return eco2mixRecordSchema.parse(row);
  },

  metrics(date, records) {
    const document = computeEco2mixMetrics(date, [...records]);
    return { document, completeness: document.completeness };
  },
};
