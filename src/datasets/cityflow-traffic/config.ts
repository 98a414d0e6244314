/** The Paris traffic counters' own variables: the Paris open-data portal (Explore API v2.1), and whether they run daily. */
import { z } from 'zod';
import type { DatasetConfig } from '../contract.js';

export interface TrafficConfig {
  readonly baseUrl: string;
  /** Whether the daily schedule runs the counters (CITYFLOW_TRAFFIC_DAILY); `courant run --datasets` always can. */
  readonly daily: boolean;
}

export const trafficConfig: DatasetConfig<TrafficConfig> = {
  env: z.object({
    PARIS_OPENDATA_BASE_URL: z
      .url()
      .refine((v) => v.startsWith('http:') || v.startsWith('https:'), { message: 'must be a http or https URL' })
      .default('https://opendata.paris.fr'),
    CITYFLOW_TRAFFIC_DAILY: z.enum(['true', 'false']).default('false'),
  }),
  read: (env) => ({
    baseUrl: String(env.PARIS_OPENDATA_BASE_URL),
    daily: env.CITYFLOW_TRAFFIC_DAILY === 'true',
  }),
};
