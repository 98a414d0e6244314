/** What a dataset provides to the generic activities: its sources, parsing, table and metrics. */
import type { ParquetColumn } from '../parquet/columns.js';
import type { DatasetName } from '../shared/datasets.js';
import type { RejectedRow } from './types.js';

/** Base URLs of the public sources, from configuration. */
export interface SourceBaseUrls {
  readonly eco2mix: string;
}

export interface SourceRequest {
  readonly source: string;
  readonly url: string;
  readonly extension: string;
}

export interface RawInput {
  readonly source: string;
  /** The storage key, used in messages so that a bad row can be found. */
  readonly file: string;
  readonly body: Uint8Array;
}

export interface SourcedReject extends RejectedRow {
  readonly file: string;
}

export interface TransformResult<TRecord> {
  readonly table: string;
  readonly records: TRecord[];
  readonly rejects: SourcedReject[];
  readonly rowsRead: number;
}

export interface DatasetMetrics {
  readonly document: Record<string, unknown>;
  readonly completeness: number | null;
}

export interface DatasetPipeline<TRecord extends object> {
  readonly name: DatasetName;
  readonly table: string;
  readonly columns: readonly ParquetColumn[];
  /** The request for one source of one day. */
  sourceRequest(source: string, date: string, urls: SourceBaseUrls): SourceRequest;
  /** Cheap check of a downloaded body before it is kept; throws BadDataError. */
  checkRaw(body: Uint8Array, file: string): void;
  /** Raw bodies of a day → the day's clean records, rejects with reasons. Throws BadDataError. */
  transform(date: string, inputs: readonly RawInput[]): TransformResult<TRecord>;
  /** A row read back from Parquet → a record (validated). */
  fromRow(row: Record<string, unknown>): TRecord;
  /** The day's metrics document (DESIGN §6 for eCO2mix). */
  metrics(date: string, records: readonly TRecord[]): DatasetMetrics;
}
