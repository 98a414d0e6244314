/** The Enedis dataset's own variables: the daily jump that makes an index suspicious, and the AES key of encrypted deliveries. */
import { z } from 'zod';
import type { DatasetConfig } from '../contract.js';
import type { DeliveryKey } from './decrypt.js';

export interface EnedisConfig {
  /** An index rising by more than this many kWh in a day is suspicious (a corrupt reading). */
  readonly jumpKWh: number;
  /** The AES key and IV of encrypted deliveries (ENEDIS_AES_KEY and ENEDIS_AES_IV, both set); absent: none. Never logged. */
  readonly deliveryKey?: DeliveryKey;
}

/** Hex of an AES-128, -192 or -256 key (Enedis gives AES-128: 32 hex digits). */
const keyHex = z
  .string()
  .regex(/^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{48}|[0-9a-fA-F]{64})$/, { message: 'must be 32, 48 or 64 hex digits' });
const ivHex = z.string().regex(/^[0-9a-fA-F]{32}$/, { message: 'must be 32 hex digits (16 bytes)' });

export const enedisConfig: DatasetConfig<EnedisConfig> = {
  env: z.object({
    ENEDIS_JUMP_KWH: z.coerce.number().int().positive().default(1000),
    ENEDIS_AES_KEY: keyHex.optional(),
    ENEDIS_AES_IV: ivHex.optional(),
  }),
  problems: (env) => {
    if (env.ENEDIS_AES_KEY !== undefined && env.ENEDIS_AES_IV === undefined)
      return ['ENEDIS_AES_IV: required with ENEDIS_AES_KEY (encrypted deliveries are decrypted with both)'];
    if (env.ENEDIS_AES_IV !== undefined && env.ENEDIS_AES_KEY === undefined)
      return ['ENEDIS_AES_KEY: required with ENEDIS_AES_IV (encrypted deliveries are decrypted with both)'];
    return [];
  },
  read: (env) => {
    const key = env.ENEDIS_AES_KEY;
    const iv = env.ENEDIS_AES_IV;
    return {
      jumpKWh: Number(env.ENEDIS_JUMP_KWH),
      ...(typeof key === 'string' && typeof iv === 'string' ? { deliveryKey: { keyHex: key, ivHex: iv } } : {}),
    };
  },
};
