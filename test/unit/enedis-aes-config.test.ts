/** The Enedis AES key of encrypted deliveries refused without its IV (and the reverse), naming the one missing. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env, DATASET_MODULES);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
};

describe('the AES key of encrypted deliveries', () => {
  const key = '00112233445566778899aabbccddeeff';
  it('is refused without its IV, and the IV without its key', () => {
    expect(problems({ ENEDIS_AES_KEY: key })).toEqual([
      'ENEDIS_AES_IV: required with ENEDIS_AES_KEY (encrypted deliveries are decrypted with both)',
    ]);
    expect(problems({ ENEDIS_AES_IV: key })).toEqual([
      'ENEDIS_AES_KEY: required with ENEDIS_AES_IV (encrypted deliveries are decrypted with both)',
    ]);
    expect(problems({ ENEDIS_AES_KEY: key, ENEDIS_AES_IV: key })).toEqual([]);
  });
});
