/**
 * Enedis deliveries as they come off the SFTP: a zip encrypted with AES in CBC mode, PKCS#7
 * padding, with the key and IV Enedis gives the supplier (hex). A file that already starts as a
 * zip or as XML (or as any text) is read as it is, so the inbox stays usable by hand; any other file is decrypted
 * into the scratch folder before its zip is read. What cannot be decrypted is bad data of the
 * file, saying which: a wrong key or IV (the first block does not decrypt to a zip), a file cut
 * short (not a whole number of blocks), a bad padding (its last block), or no key configured.
 */
import { createDecipheriv, type Decipher } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { BadDataError } from '../../workflow-safe/errors.js';

/** The AES key and IV of the deliveries, as Enedis writes them (hex). Never logged. */
export interface DeliveryKey {
  readonly keyHex: string;
  readonly ivHex: string;
}

const BLOCK = 16;
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Whether `start` (a file's first bytes) opens a zip or an XML document, as a plain delivery does. */
export function opensPlainDelivery(start: Buffer): boolean {
  if (start.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC)) return true;
  const text = start.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? start.subarray(UTF8_BOM.length) : start;
  return /^\s*</.test(text.subarray(0, 64).toString('latin1'));
}

/** Bytes no text holds (controls but tab, line feed, carriage return): ciphertext has about one in eight. */
const looksBinary = (start: Buffer) =>
  start.some((byte) => byte < 0x09 || (byte > 0x0d && byte < 0x20) || byte === 0x7f);

const cipherName = (key: Buffer) => `aes-${key.length * 8}-cbc`;

function decipher(key: DeliveryKey, padding: boolean): Decipher {
  const secret = Buffer.from(key.keyHex, 'hex');
  const deciphered = createDecipheriv(cipherName(secret), secret, Buffer.from(key.ivHex, 'hex'));
  deciphered.setAutoPadding(padding);
  return deciphered;
}

async function firstBytes(file: string, count: number): Promise<{ start: Buffer; size: number }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(count), 0, count, 0);
    return { start: buffer.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

/**
 * The path of the delivery's plain bytes: `local` itself when it opens as a zip or XML, else
 * `target`, written with `local` decrypted by `key`. Throws BadDataError naming `name` when the
 * file is encrypted and no key is given, the key or IV is wrong, the file is cut short or its
 * padding is bad.
 */
export async function plainDelivery(
  local: string,
  name: string,
  target: string,
  key: DeliveryKey | undefined,
): Promise<string> {
  const { start, size } = await firstBytes(local, 64);
  // A plain zip, or XML written as text. Ciphertext opens with `<` once in 256 files, but then
  // holds bytes no text holds among its first 64 (all but once in a thousand): it is not taken here.
  if (size === 0 || start.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC)) return local;
  if (opensPlainDelivery(start) && !looksBinary(start)) return local;
  const refuse = (problem: string, cause?: unknown) =>
    new BadDataError({ file: name }, problem, cause === undefined ? undefined : { cause });
  const first = key && size >= BLOCK ? decipher(key, false).update(start.subarray(0, BLOCK)) : null;
  // Text that is not XML, and that the key does not open, is left to the flow reader, which names its line and column.
  if (!looksBinary(start) && !(first && opensPlainDelivery(first))) return local;
  if (!key)
    throw refuse(
      'is neither a zip nor XML: an encrypted delivery, but no AES key is configured (ENEDIS_AES_KEY, ENEDIS_AES_IV)',
    );
  if (!first) throw refuse(`cannot be decrypted: ${size} bytes, less than one AES block (truncated)`);
  if (!opensPlainDelivery(first))
    throw refuse(
      'cannot be decrypted: wrong AES key or IV (its first block does not decrypt to a zip or XML); ' +
        'check ENEDIS_AES_KEY and ENEDIS_AES_IV against the ones Enedis gave',
    );
  if (size % BLOCK !== 0)
    throw refuse(
      `cannot be decrypted: truncated (${size} bytes is not a whole number of ${BLOCK}-byte AES blocks); fetch it again`,
    );
  try {
    await pipeline(createReadStream(local), decipher(key, true), createWriteStream(target));
  } catch (cause) {
    if (cause instanceof Error && /bad decrypt|wrong final block length/i.test(cause.message))
      throw refuse(
        'cannot be decrypted: bad padding in its last AES block (a wrong AES key or IV whose first block happened ' +
          'to look like a zip or XML, or a file cut short or corrupt)',
        cause,
      );
    throw cause;
  }
  return target;
}
