/** The Enedis dataset's own variables: the daily jump that makes an index suspicious. */
import { z } from 'zod';
import type { DatasetConfig } from '../contract.js';

export interface EnedisConfig {
  /** An index rising by more than this many kWh in a day is suspicious (a corrupt reading). */
  readonly jumpKWh: number;
}

export const enedisConfig: DatasetConfig<EnedisConfig> = {
  env: z.object({
    ENEDIS_JUMP_KWH: z.coerce.number().int().positive().default(1000),
  }),
  read: (env) => ({ jumpKWh: Number(env.ENEDIS_JUMP_KWH) }),
};
