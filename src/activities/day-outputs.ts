/**
 * `processed/{dataset}/dt={date}/outputs.json`: the day's outputs as a pass over an import's days
 * computed them — its transform's output and its metrics — with the raw files (by sha256) and code
 * version they came from, and the sha256 of each table the metrics were computed on. The day's own
 * transformDay takes the output when its inputs and the code version are the same, and deletes
 * the record before it writes tables of its own; computeMetrics takes the metrics when the tables
 * it reads are the bytes they were computed on. A record that does not match is never used.
 */
import { z } from 'zod';
import { storageKeys } from '../workflow-safe/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { ObjectNotFoundError } from '../storage/object-store.js';
import type { InputFile } from '../workflow-safe/day-records.js';

const rowsSchema = z.object({ read: z.number().int(), written: z.number().int(), rejected: z.number().int() });

export const outputFileSchema = z.object({
  key: z.string(),
  bytes: z.number().int(),
  sha256: z.string(),
  etag: z.string().optional(),
});

export const dayOutputsSchema = z.object({
  codeVersion: z.string(),
  inputs: z.array(z.object({ key: z.string(), sha256: z.string() })),
  transform: z.object({
    processedKeys: z.array(z.string()).min(1),
    rejectsKey: z.string(),
    rows: rowsSchema,
    /** The tables and rejects as stored (absent in records written before sizes and hashes were kept). */
    files: z.array(outputFileSchema).optional(),
  }),
  metrics: z.object({
    /** sha256 of each table's Parquet, by table name. */
    tables: z.record(z.string(), z.string()),
    document: z.record(z.string(), z.unknown()),
    completeness: z.number().nullable(),
    /** `anomalies/{dataset}/dt={date}/anomalies.parquet` when the metrics wrote anomalies. */
    anomaliesKey: z.string().optional(),
  }),
});

export type DayOutputs = z.infer<typeof dayOutputsSchema>;

/** The day's record, or null when there is none (or it cannot be read as one: it is then not used). */
export async function readDayOutputs(objects: ObjectStore, dataset: string, date: string): Promise<DayOutputs | null> {
  let body: Uint8Array;
  try {
    body = await objects.get(storageKeys.dayOutputs(dataset, date));
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return null;
  }
  const parsed = dayOutputsSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export async function writeDayOutputs(
  objects: ObjectStore,
  dataset: string,
  date: string,
  outputs: DayOutputs,
): Promise<void> {
  await objects.put(storageKeys.dayOutputs(dataset, date), `${JSON.stringify(outputs)}\n`, {
    contentType: 'application/json',
  });
}

/** Whether the record was computed from exactly these raw files, in this order, by this code version. */
export function outputsFrom(outputs: DayOutputs, inputs: readonly InputFile[], codeVersion: string): boolean {
  return (
    outputs.codeVersion === codeVersion &&
    outputs.inputs.length === inputs.length &&
    outputs.inputs.every((file, i) => file.key === inputs[i]?.key && file.sha256 === inputs[i]?.sha256)
  );
}
