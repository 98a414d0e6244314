/**
 * The eCO2mix national dataset's configuration and its two sources per day (real time and
 * consolidated); the transform is in transform.ts, the metrics in day-metrics.ts.
 */
import { z } from 'zod';
import type { DatasetConfig } from '../contract.js';
import type { HttpInput } from '../inputs.js';
import { assertEco2mixCsv } from './export-file.js';
import { ECO2MIX_SOURCES, eco2mixExportUrl } from './sources.js';

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
