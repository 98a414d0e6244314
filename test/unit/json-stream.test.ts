/**
 * The CLI's streamed JSON (`json-stream.ts`): an object whose last property is an array, its items
 * the lines of a file as DuckDB's JSON writer leaves them, sent on as bytes — byte for byte what
 * `writeJsonEndingInArray` writes from the same texts, and JSON — with no item, one, and thousands
 * whose lines cross the chunks the file is read in, multi-byte characters included.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeJsonEndingInArray, writeJsonLinesEndingInArray } from '../../src/cli/json-stream.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-json-stream-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEAD = '{\n  "month": "2025-03",\n  "contracts": [';

/** What `write` wrote to a stream, as text. */
async function output(write: (out: PassThrough) => Promise<number>): Promise<{ text: string; count: number }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const count = await write(out);
  return { text: Buffer.concat(chunks).toString('utf8'), count };
}

describe('JSON lines written as the last array of an object', () => {
  it.each([0, 1, 3, 20_000])('writes %i item(s) as the texts would be written', async (n) => {
    // 20 000 lines of ~80 bytes: more than one chunk of 1 MiB, lines and "é" cut across them.
    const items = Array.from({ length: n }, (_, i) => ({
      prm: String(i).padStart(14, '0'),
      note: `été ${'é'.repeat(i % 30)}`,
    }));
    const texts = items.map((item) => JSON.stringify(item));
    const file = path.join(dir, 'items.json');
    await writeFile(file, texts.map((text) => `${text}\n`).join(''));
    const fromFile = await output((out) => writeJsonLinesEndingInArray(out, HEAD, file));
    const fromTexts = await output((out) => writeJsonEndingInArray(out, HEAD, [texts]));
    expect(fromFile.count).toBe(n);
    expect(fromFile.text === fromTexts.text).toBe(true);
    expect(JSON.parse(fromFile.text)).toEqual({ month: '2025-03', contracts: items });
  });
});
