/**
 * The Paris roadworks' own variables: whether the collector takes the list and the daily schedule
 * runs its days. The portal's base URL is the cityflow traffic counters' PARIS_OPENDATA_BASE_URL,
 * the same declaration reused (one default, one check), so the module also loads without them.
 */
import { z } from 'zod';
import { trafficConfig } from '../cityflow-traffic/config.js';
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
  env: trafficConfig.env.pick({ PARIS_OPENDATA_BASE_URL: true }).extend({
    CITYFLOW_ROADWORKS_COLLECT: z.enum(['true', 'false']).default('false'),
  }),
  read: (env) => ({
    baseUrl: String(env.PARIS_OPENDATA_BASE_URL),
    collect: env.CITYFLOW_ROADWORKS_COLLECT === 'true',
  }),
};
