/**
 * Encrypted Enedis deliveries made at test time from the shipped fixtures (test/fixtures/enedis,
 * provenance there): each flow zipped as Enedis zips it, then encrypted as Enedis encrypts it
 * (AES-128-CBC, PKCS#7 padding) with a test key, under an archive name of Enedis' shape.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { zipSync } from 'fflate';
import type { DeliveryKey } from '../../src/datasets/enedis/decrypt.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';

/** The test key and IV, as a supplier would set them (ENEDIS_AES_KEY, ENEDIS_AES_IV). */
export const TEST_DELIVERY_KEY: DeliveryKey = {
  keyHex: '000102030405060708090a0b0c0d0e0f',
  ivHex: 'f0e0d0c0b0a090807060504030201000',
};

/** The variables that configure `key`. */
export const keyEnvOf = (key: DeliveryKey) => ({ ENEDIS_AES_KEY: key.keyHex, ENEDIS_AES_IV: key.ivHex });

/** Another key of the same shape: a wrong one. */
export const WRONG_DELIVERY_KEY: DeliveryKey = { keyHex: 'ff'.repeat(16), ivHex: TEST_DELIVERY_KEY.ivHex };

/** The shipped fixtures, each under an archive name of its flow's shape (`deliveries.ts`). */
export const FIXTURE_DELIVERIES = [
  {
    flow: 'R151',
    fixture: 'electricore_r151.xml',
    name: 'ENEDIS_R151_17X100A100A0001A_GRD-F121_0123456789_00001_Q_00001_00001_20250102030405.zip',
  },
  {
    flow: 'R15',
    fixture: 'electricore_r15.xml',
    name: 'ENEDIS_R15_17X100A100A0001A_GRD-F121_DIR00001_00001_20240801030405.zip',
  },
  {
    flow: 'C15',
    fixture: 'electricore_c15_avec_releves.xml',
    name: 'ENEDIS_C15_17X100A100A0001A_GRD-F121_DIR00001_00001_20241005030405.zip',
  },
] as const;

export async function fixtureFlow(fixture: string): Promise<Buffer> {
  return readFile(path.join(PROJECT_ROOT, 'test', 'fixtures', 'enedis', fixture));
}

/** A zip holding `members` (name → bytes), as Enedis zips a flow. */
export function zipOf(members: Readonly<Record<string, Uint8Array>>): Buffer {
  return Buffer.from(zipSync({ ...members }));
}

/** `plain` encrypted as Enedis encrypts a delivery. */
export function encrypted(plain: Uint8Array, key: DeliveryKey = TEST_DELIVERY_KEY): Buffer {
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(key.keyHex, 'hex'), Buffer.from(key.ivHex, 'hex'));
  return Buffer.concat([cipher.update(plain), cipher.final()]);
}

/** The encrypted zip of a fixture flow, its member named after the fixture. */
export async function encryptedFixture(fixture: string, key: DeliveryKey = TEST_DELIVERY_KEY): Promise<Buffer> {
  return encrypted(zipOf({ [fixture.replace(/^electricore_/, '')]: await fixtureFlow(fixture) }), key);
}

/** An encrypted zip with `padding` random bytes stored beside the flow (a member that is not XML, left out). */
export async function largeEncryptedFixture(fixture: string, padding: number): Promise<Buffer> {
  const zip = zipSync(
    { [fixture]: await fixtureFlow(fixture), 'padding.bin': [randomBytes(padding), { level: 0 }] },
    { level: 0 },
  );
  return encrypted(zip);
}
