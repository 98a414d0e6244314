/**
 * The Paris roadworks' own variables: whether the collector takes the list and the daily schedule
 * runs its days. The portal's base URL is PARIS_OPENDATA_BASE_URL, declared alike by the traffic
 * counters (the same portal): both fragments give it the same default and check.
 */
import { z } from 'zod';
import type { DatasetConfig } from '../contract.js';

export interface RoadworksConfig {
  readonly baseUrl: string;
  /**
   * Whether the snapshot collector takes the list and the daily schedule runs its days
   * (CITYFLOW_ROADWORKS_COLLECT); `courant run --datasets` always can, on what was collected.
   */
  readonly collect: boolean;
}

export const roadworksConfig: DatasetConfig<RoadworksConfig> = {
  env: z.object({
    PARIS_OPENDATA_BASE_URL: z
      .url()
      .refine((v) => v.startsWith('http:') || v.startsWith('https:'), { message: 'must be a http or https URL' })
      .default('https://opendata.paris.fr'),
    CITYFLOW_ROADWORKS_COLLECT: z.enum(['true', 'false']).default('false'),
  }),
  read: (env) => ({
    baseUrl: String(env.PARIS_OPENDATA_BASE_URL),
    collect: env.CITYFLOW_ROADWORKS_COLLECT === 'true',
  }),
};
