/**
 * The three large hostile inputs, written at test time into a folder (never committed), as a broken
 * upstream or a careless user would send them:
 *
 * - an R151 whose one `<Valeur>` is 10 MiB of digits;
 * - a smart-meter CSV whose second line is 54 MB with no line end;
 * - a zip whose one member, `r151.xml`, inflates to 1.5 GiB of whitespace inside `<R151>` (under the
 *   2 GiB refusal of a member): its deflate stream is one 16 MiB block of spaces compressed once
 *   with a full flush (no reference to what came before) and repeated, so the 7 MB zip is written
 *   in a second.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { constants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import { r151Flow } from './enedis-flows.js';

export const VALUE_BOMB_BYTES = 10 * 1024 * 1024;
export const LONG_LINE_BYTES = 54 * 1000 * 1000;
export const WHITESPACE_MEMBER_BYTES = 1.5 * 1024 ** 3;

/** An R151 of one reading whose one value is `VALUE_BOMB_BYTES` digits. */
export async function writeValueBombR151(dir: string): Promise<string> {
  const file = path.join(dir, 'r151-value-bomb.xml');
  await writeFile(
    file,
    r151Flow([{ prm: '99000000000001', date: '2024-04-04', wh: { HPH: '7'.repeat(VALUE_BOMB_BYTES) } }]),
  );
  return file;
}

/** A smart-meter CSV of the generic shape whose second line is `LONG_LINE_BYTES` digits with no line end. */
export async function writeLongLineSmartMeter(dir: string): Promise<string> {
  const file = path.join(dir, 'meter-long-line.csv');
  const out = createWriteStream(file);
  out.write('meter_id,timestamp,kwh\n');
  const block = Buffer.alloc(1_000_000, '9');
  for (let written = 0; written < LONG_LINE_BYTES; written += block.length) {
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return file;
}

/** The raw deflate of `block` ending on a full flush: byte-aligned and independent of what came before. */
async function flushedDeflate(block: Buffer): Promise<Buffer> {
  const deflate = createDeflateRaw({ level: 1 });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  deflate.write(block);
  await new Promise<void>((resolve) => deflate.flush(constants.Z_FULL_FLUSH, () => resolve()));
  deflate.destroy();
  return Buffer.concat(parts);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

/** A zip of one deflated member `r151.xml`: `<R151>`, `WHITESPACE_MEMBER_BYTES` spaces, `</R151>`. */
export async function writeWhitespaceZip(dir: string): Promise<string> {
  const block = Buffer.alloc(16 * 1024 * 1024, 0x20);
  const blocks = WHITESPACE_MEMBER_BYTES / block.length;
  const head = Buffer.from("<?xml version='1.0' encoding='UTF-8'?>\n<R151>");
  const tail = Buffer.from('</R151>\n');
  const deflatedHead = await flushedDeflate(head);
  const deflatedBlock = await flushedDeflate(block);
  const deflatedTail = deflateRawSync(tail);
  let crc = crc32(head);
  for (let i = 0; i < blocks; i += 1) crc = crc32(block, crc);
  crc = crc32(tail, crc);
  const size = head.length + WHITESPACE_MEMBER_BYTES + tail.length;
  const compressed = deflatedHead.length + deflatedBlock.length * blocks + deflatedTail.length;
  const name = Buffer.from('r151.xml');
  // Version 2.0, no flags, deflate, 2024-04-05 00:00 in MS-DOS time.
  const common = [u16(20), u16(0), u16(8), u16(0), u16(((2024 - 1980) << 9) | (4 << 5) | 5), u32(crc)];
  const sizes = [u32(compressed), u32(size), u16(name.length), u16(0)];
  const local = Buffer.concat([u32(0x04034b50), ...common, ...sizes, name]);
  const central = Buffer.concat([
    u32(0x02014b50),
    u16(20),
    ...common,
    ...sizes,
    u16(0),
    u16(0),
    u16(0),
    u32(0),
    u32(0),
    name,
  ]);
  const centralAt = local.length + compressed;
  const end = Buffer.concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(1),
    u16(1),
    u32(central.length),
    u32(centralAt),
    u16(0),
  ]);
  const file = path.join(dir, 'r151-whitespace.zip');
  const out = createWriteStream(file);
  out.write(local);
  out.write(deflatedHead);
  for (let i = 0; i < blocks; i += 1) if (!out.write(deflatedBlock)) await once(out, 'drain');
  out.write(deflatedTail);
  out.write(central);
  out.end(end);
  await once(out, 'finish');
  return file;
}
