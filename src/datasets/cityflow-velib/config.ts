/** Vélib's own variables: the GBFS feed's base URL, and whether the collector takes it and the daily schedule runs its days. */
import { z } from 'zod';
import type { DatasetConfig } from '../contract.js';

export interface VelibConfig {
  readonly baseUrl: string;
  /**
   * Whether the snapshot collector takes Vélib' and the daily schedule runs its days
   * (CITYFLOW_VELIB_COLLECT); `courant run --datasets` always can, on what was collected.
   */
  readonly collect: boolean;
}

export const velibConfig: DatasetConfig<VelibConfig> = {
  env: z.object({
    VELIB_GBFS_BASE_URL: z
      .url()
      .refine((v) => v.startsWith('http:') || v.startsWith('https:'), { message: 'must be a http or https URL' })
      .default('https://velib-metropole-opendata.smovengo.cloud/opendata/Velib_Metropole'),
    CITYFLOW_VELIB_COLLECT: z.enum(['true', 'false']).default('false'),
  }),
  read: (env) => ({
    baseUrl: String(env.VELIB_GBFS_BASE_URL),
    collect: env.CITYFLOW_VELIB_COLLECT === 'true',
  }),
};
