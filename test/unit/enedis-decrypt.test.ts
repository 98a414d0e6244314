/** Encrypted Enedis deliveries: decrypted before their zip is read, or refused saying why. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainDelivery } from '../../src/datasets/enedis/decrypt.js';
import { enedisDrop } from '../../src/datasets/enedis/drop.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { badDataFromAsync } from '../support/bad-data.js';
import {
  encrypted,
  encryptedFixture,
  FIXTURE_DELIVERIES,
  fixtureFlow,
  TEST_DELIVERY_KEY,
  WRONG_DELIVERY_KEY,
  zipOf,
} from '../support/enedis-deliveries.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';
import { zipSync } from 'fflate';

const scratch = useScratchDuckDb('courant-decrypt-');
const now = new Date('2026-01-01T00:00:00Z');

async function file(name: string, bytes: Uint8Array): Promise<string> {
  const local = path.join(scratch.dir, name);
  await writeFile(local, bytes);
  return local;
}

async function days(local: string, name: string, withKey = true) {
  return enedisDrop.days({
    db: scratch.connection,
    path: local,
    file: name,
    sha256: await sha256OfFile(local),
    options: {},
    config: { jumpKWh: 1000, ...(withKey ? { deliveryKey: TEST_DELIVERY_KEY } : {}) },
    now,
  });
}

describe('an encrypted Enedis delivery', () => {
  it.each(FIXTURE_DELIVERIES)('$flow: decrypts to the zip and covers the same days as the plain file', async (d) => {
    const plainZip = zipOf({ [d.fixture]: await fixtureFlow(d.fixture) });
    const sealed = await file(`sealed-${d.flow}`, encrypted(plainZip));
    const opened = await plainDelivery(sealed, d.name, path.join(scratch.dir, `opened-${d.flow}`), TEST_DELIVERY_KEY);
    expect(await readFile(opened)).toEqual(plainZip);
    const plainDays = await days(await file(`plain-${d.flow}.zip`, plainZip), `inbox/enedis/plain-${d.flow}.zip`);
    expect(plainDays.length).toBeGreaterThan(0);
    expect(await days(sealed, `inbox/enedis/${d.name}`)).toEqual(plainDays);
  });

  it('leaves plain zips and XML as they are, with or without a key', async () => {
    const xml = await file('plain.xml', await fixtureFlow('electricore_r151.xml'));
    expect(await plainDelivery(xml, 'plain.xml', path.join(scratch.dir, 'unused'), TEST_DELIVERY_KEY)).toBe(xml);
    expect(await days(xml, 'inbox/enedis/plain.xml', false)).toEqual(await days(xml, 'inbox/enedis/plain.xml'));
  });

  it('decrypts a delivery whose ciphertext happens to open with `<`, as one in 256 does', async () => {
    const flow = await fixtureFlow('electricore_r151.xml');
    // The zip's first block holds its member's time: some minute of the day makes the first byte `<`.
    const sealed = Array.from({ length: 24 * 60 }, (_, minute) =>
      encrypted(Buffer.from(zipSync({ 'r151.xml': [flow, { mtime: new Date(2024, 0, 1, 0, minute) }] }))),
    ).find((bytes) => bytes[0] === 0x3c);
    if (!sealed) throw new Error('no minute of the day gives a ciphertext opening with <');
    const local = await file('opens-with-lt', sealed);
    const opened = await plainDelivery(
      local,
      'opens-with-lt.zip',
      path.join(scratch.dir, 'opened-lt'),
      TEST_DELIVERY_KEY,
    );
    expect((await readFile(opened)).subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    expect((await days(local, 'inbox/enedis/opens-with-lt.zip')).length).toBeGreaterThan(0);
  });

  it('refuses a wrong key, saying so', async () => {
    const sealed = await file('wrong-key', await encryptedFixture('electricore_r151.xml', WRONG_DELIVERY_KEY));
    const error = await badDataFromAsync(() => days(sealed, 'inbox/enedis/wrong-key.zip'));
    expect(error.location).toEqual({ file: 'inbox/enedis/wrong-key.zip' });
    expect(error.message).toMatch(/wrong AES key or IV/);
  });

  it('refuses a file cut short, saying it is truncated', async () => {
    const whole = await encryptedFixture('electricore_r151.xml');
    const error = await badDataFromAsync(async () =>
      days(await file('cut', whole.subarray(0, whole.length - 5)), 'inbox/enedis/cut.zip'),
    );
    expect(error.message).toMatch(/truncated \(\d+ bytes is not a whole number of 16-byte AES blocks\)/);
  });

  it('refuses a bad padding, saying so', async () => {
    const whole = await encryptedFixture('electricore_r151.xml');
    // Cut at a block boundary: every block decrypts, the last one's padding does not.
    const error = await badDataFromAsync(async () =>
      days(await file('cut-block', whole.subarray(0, whole.length - 16)), 'inbox/enedis/x.zip'),
    );
    expect(error.message).toMatch(/bad padding in its last AES block/);
  });

  it('refuses an encrypted delivery when no key is configured, naming the variables', async () => {
    const sealed = await file('no-key', await encryptedFixture('electricore_r151.xml'));
    const error = await badDataFromAsync(() => days(sealed, 'inbox/enedis/no-key.zip', false));
    expect(error.message).toMatch(/no AES key is configured \(ENEDIS_AES_KEY, ENEDIS_AES_IV\)/);
  });
});
