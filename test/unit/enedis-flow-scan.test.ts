/**
 * The fast scan of flows (`flow-scan.ts`) against the reference reader (`flow-xml.ts`, saxes):
 * what the scan accepts it reads into the very lines the reference reads, and whatever it cannot be
 * sure of it leaves to the reference, which reads it or names the problem.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileFlows } from '../../src/datasets/enedis/flow-files.js';
import type { FlowOutput } from '../../src/datasets/enedis/flow-output.js';
import { readFlow } from '../../src/datasets/enedis/flow-read.js';
import { createFlowScanner } from '../../src/datasets/enedis/flow-scan.js';
import { createFlowReader } from '../../src/datasets/enedis/flow-xml.js';
import { BadDataError } from '../../src/workflow-safe/errors.js';
import { r151Flow } from '../support/enedis-flows.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/enedis/${name}`, import.meta.url));
const REAL_FLOWS = ['electricore_r151.xml', 'electricore_c15_avec_releves.xml', 'electricore_r15.xml'];

/** The scan's lines of `bytes` cut in chunks of `chunk` bytes, or null when it is unsure. */
function scanned(bytes: Buffer, chunk = 7): string[] | null {
  const lines: string[] = [];
  const scanner = createFlowScanner((date, line) => lines.push(`${date ?? ''}|${line}`));
  for (let at = 0; at < bytes.length; at += chunk) if (!scanner.write(bytes.subarray(at, at + chunk))) return null;
  return scanner.end() ? lines : null;
}

/** The reference reader's lines of `bytes`, or the BadDataError it throws. */
async function referenceRead(bytes: Buffer): Promise<string[] | BadDataError> {
  const lines: string[] = [];
  const output: FlowOutput = {
    emit: (date, line) => lines.push(`${date ?? ''}|${line}`),
    chunkRead: () => Promise.resolve(),
    handed: () => 0,
    close: () => Promise.resolve([]),
  };
  const reader = createFlowReader('flow.xml', output);
  try {
    await reader.write(bytes.toString('utf8'));
    await reader.close();
    return lines;
  } catch (error) {
    if (error instanceof BadDataError) return error;
    throw error;
  }
}

/** `bytes` in chunks of `size`, as a stream gives them. */
async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield await Promise.resolve(bytes.subarray(at, at + size));
}

/** A small deterministic generator (mulberry32): the same mutations on every machine. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the fast scan of flows', () => {
  it.each(REAL_FLOWS)('reads the real %s into the reference reader’s lines, whatever its chunks', async (name) => {
    const bytes = await fixture(name);
    const reference = await referenceRead(bytes);
    expect(Array.isArray(reference) && reference.length).toBeGreaterThan(0);
    for (const chunk of [1, 7, 4096, bytes.length]) expect(scanned(bytes, chunk)).toEqual(reference);
  });

  it('reads CRLF lines, entities and empty elements alike, counting lines as the reference does', async () => {
    const text = (await fixture('electricore_r151.xml')).toString('utf8');
    const variants = [
      text.replaceAll('\n', '\r\n'),
      text.replace('<Id_Calendrier_Distributeur>DI000003', '<Id_Calendrier_Distributeur>DI&amp;&lt;3&gt;'),
      text.replace(/<Valeur>\d+<\/Valeur>/, '<Valeur/>'),
      text.replace('<R151', '<R151\n  a="1"\n  b=\'2\''),
    ];
    for (const variant of variants) {
      const bytes = Buffer.from(variant, 'utf8');
      const reference = await referenceRead(bytes);
      expect(Array.isArray(reference)).toBe(true);
      expect(scanned(bytes)).toEqual(reference);
    }
  });

  it('gives up on what it cannot be sure of: comments, CDATA, references, a BOM, a lone CR, a document type', async () => {
    const text = (await fixture('electricore_r151.xml')).toString('utf8');
    const unsure = [
      text.replace('<PRM>', '<!-- a comment --><PRM>'),
      text.replace('<Valeur>', '<Valeur><![CDATA[1]]>'),
      text.replace('DI000003', 'DI&#48;00003'),
      `\uFEFF${text}`,
      text.replace('\n', '\r'),
      text.replace("<?xml version='1.0' encoding='UTF-8'?>", '<!DOCTYPE R151 [<!ENTITY a "b">]>'),
      text.replace('<R151', '<R151 a="x>y"'),
      text.replace('<Id_PRM>', '<ns:Id_PRM>').replace('</Id_PRM>', '</ns:Id_PRM>'),
      text.replace('DI000003', 'DI\u000100003'),
      text.replace('<R151', '<Other'),
    ];
    for (const variant of unsure) expect(scanned(Buffer.from(variant, 'utf8'))).toBeNull();
  });

  it.each(REAL_FLOWS)(
    'accepts nothing the reference reader reads otherwise: 1500 seeded mutations of %s',
    async (name) => {
      const bytes = await fixture(name);
      const next = random(151);
      const alphabet = Buffer.from('<>/&;="\' \n\r\tax]!?-\u00e9', 'utf8');
      let sure = 0;
      for (let round = 0; round < 1500; round += 1) {
        const at = Math.floor(next() * bytes.length);
        const byte = alphabet[Math.floor(next() * alphabet.length)] ?? 0x20;
        const mutated =
          next() < 0.5
            ? Buffer.concat([bytes.subarray(0, at), Buffer.of(byte), bytes.subarray(at)])
            : Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
        const lines = scanned(mutated, 1 + Math.floor(next() * 64));
        if (lines === null) continue;
        sure += 1;
        expect(await referenceRead(mutated), `mutation ${round} at byte ${at}`).toEqual(lines);
      }
      // Most single-byte changes land in text the scan reads as the reference does.
      expect(sure).toBeGreaterThan(150);
    },
  );

  it('reads a flow again with the reference once the scan gives up after segments were handed on: no line twice', async () => {
    const readings = Array.from({ length: 3000 }, (_, i) => ({
      prm: String(99000000000000 + Math.floor(i / 3)),
      date: ['2024-01-01', '2024-01-02', '2024-01-03'][i % 3] ?? '',
      wh: { HCB: String(1000 + i) },
    }));
    const text = r151Flow(readings);
    const late = text.lastIndexOf('<PRM>');
    const withComment = `${text.slice(0, late)}<!-- late -->${text.slice(late)}`;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-flow-scan-'));
    const handed: string[] = [];
    const onSegment = (files: readonly { readonly path: string }[]) => handed.push(...files.map((f) => f.path));
    const bytes = Buffer.from(withComment, 'utf8');
    const summary = await readFlow('flow.xml', path.join(dir, 'v'), () => chunksOf(bytes, 16 * 1024), {
      lines: 1000,
      onSegment,
    });
    expect(handed.length).toBeGreaterThan(0);
    const read = async (paths: readonly string[]) =>
      (await Promise.all(paths.map((p) => readFile(p, 'utf8')))).join('').split('\n').filter(Boolean).sort();
    const reference = await referenceRead(bytes);
    if (!Array.isArray(reference)) throw reference;
    expect(await read([...handed, ...summary.files.map((f) => f.path)])).toEqual(
      reference.map((l) => l.slice(l.indexOf('|') + 1, -1)).sort(),
    );
  });

  it('names a malformed flow as the reference does (line and column)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-flow-scan-'));
    const text = (await fixture('electricore_r151.xml')).toString('utf8');
    const local = path.join(dir, 'broken.xml');
    await writeFile(local, text.replace('</Id_PRM>', '</Id_PRX>'));
    const error = await writeFileFlows(local, 'raw/broken.xml', dir, 'b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadDataError);
    expect(String(error)).toMatch(/raw\/broken\.xml, line 3, column \d+: not well-formed XML/);
  });
});
