/**
 * Flow files read on the pool's thread (`flow-thread.ts`) give what `writeFileFlows` gives in the
 * process, and bad data comes back as the same BadDataError: its class, location and cause.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { BucketFile } from '../../src/datasets/enedis/day-buckets.js';
import { writeFileFlows } from '../../src/datasets/enedis/flow-files.js';
import { readFlowsOffThread } from '../../src/datasets/enedis/flow-thread.js';
import { BadDataError, ErrorType } from '../../src/workflow-safe/errors.js';
import { r151Flow } from '../support/enedis-flows.js';

async function fileWith(body: string | Buffer): Promise<{ local: string; scratch: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-flow-thread-'));
  const local = path.join(dir, 'flow.xml');
  await writeFile(local, body);
  return { local, scratch: dir };
}

async function thrownBy(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error('expected the read to fail');
    },
    (error: unknown) => error,
  );
}

describe('flow files read on a thread of their own', () => {
  it('gives the values writeFileFlows gives in the process', async () => {
    const { local, scratch } = await fileWith(
      r151Flow([
        { prm: '99000000000001', date: '2024-01-01', wh: { HCB: '1000', HPB: '2000' } },
        { prm: '99000000000001', date: '2024-01-02', wh: { HCB: '1500', HPB: '2600' } },
      ]),
    );
    const onThread = await readFlowsOffThread({ local, name: 'raw/flow.xml', scratch, prefix: 'thread' });
    const inProcess = await writeFileFlows(local, 'raw/flow.xml', scratch, 'process');
    expect(onThread.parts.map((p) => [p.file, p.flow, p.count])).toEqual([['raw/flow.xml', 'R151', 4]]);
    const texts = (parts: typeof onThread.parts) =>
      Promise.all(parts.flatMap((p) => p.values.map(async (v) => [v.bucket, await readFile(v.path, 'utf8')])));
    expect(await texts(onThread.parts)).toEqual(await texts(inProcess.parts));
  });

  it('hands a large flow over in segments, all of them read before it resolves, their lines those read in one piece', async () => {
    const dates = ['2024-01-01', '2024-01-02', '2024-01-03'];
    const readings = Array.from({ length: 3000 }, (_, i) => ({
      prm: String(99000000000000 + Math.floor(i / dates.length)),
      date: dates[i % dates.length] ?? '',
      wh: { HCB: String(1000 + i), HPB: String(2000 + i) },
    }));
    const { local, scratch } = await fileWith(r151Flow(readings));
    const segments: Array<{ file: string; values: readonly BucketFile[] }> = [];
    const onThread = await readFlowsOffThread(
      { local, name: 'raw/flow.xml', scratch, prefix: 'thread' },
      { lines: 1000, onSegment: (file, values) => segments.push({ file, values }) },
    );
    const whole = await writeFileFlows(local, 'raw/flow.xml', scratch, 'process');
    expect(segments.length).toBeGreaterThan(1);
    expect(new Set(segments.map((s) => s.file))).toEqual(new Set(['raw/flow.xml']));
    expect(onThread.parts.map((p) => p.count)).toEqual([6000]);
    // Each date's lines: the segments' files in order, then the last segment's.
    const linesByDate = async (groups: ReadonlyArray<readonly BucketFile[]>) => {
      const byDate = new Map<string, string>();
      for (const files of groups)
        for (const file of files)
          byDate.set(file.bucket, (byDate.get(file.bucket) ?? '') + (await readFile(file.path, 'utf8')));
      return byDate;
    };
    const segmented = await linesByDate([...segments.map((s) => s.values), ...onThread.parts.map((p) => p.values)]);
    expect(segmented).toEqual(await linesByDate(whole.parts.map((p) => p.values)));
    expect([...segmented.keys()].sort()).toEqual(dates);
  });

  it('throws malformed XML found after some segments were handed over, naming its line', async () => {
    const readings = Array.from({ length: 3000 }, (_, i) => ({
      prm: String(99000000000000 + i),
      date: '2024-01-01',
      wh: { HCB: String(1000 + i) },
    }));
    const flow = r151Flow(readings).replace(/<\/R151>\n$/, '<PRM>\n</R151>\n');
    const { local, scratch } = await fileWith(flow);
    const handed: string[] = [];
    const error = await thrownBy(
      readFlowsOffThread(
        { local, name: 'raw/late.xml', scratch, prefix: 'v' },
        { lines: 500, onSegment: (file) => handed.push(file) },
      ),
    );
    expect(handed.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(BadDataError);
    expect((error as BadDataError).location).toMatchObject({ file: 'raw/late.xml', line: flow.split('\n').length - 1 });
  });

  it('throws malformed XML as a BadDataError naming the file, line and column', async () => {
    const { local, scratch } = await fileWith(`<?xml version='1.0'?>\n<R151>\n<PRM><Id_PRM>1</Id_PRM>\n</R151>\n`);
    const error = await thrownBy(readFlowsOffThread({ local, name: 'raw/bad.xml', scratch, prefix: 'v' }));
    expect(error).toBeInstanceOf(BadDataError);
    const bad = error as BadDataError;
    expect(bad.type).toBe(ErrorType.BadData);
    expect(bad.location).toMatchObject({ file: 'raw/bad.xml', line: 4 });
    expect(bad.message).toMatch(/^raw\/bad\.xml, line 4, column \d+: not well-formed XML/);
  });

  it('keeps the cause of a zip that cannot be read as an error, not as text', async () => {
    const zip = Buffer.from(zipSync({ 'R151.xml': new TextEncoder().encode(r151Flow([])) }));
    // The member's deflated bytes (after its 30-byte header and its name) made unreadable.
    zip.fill(0xff, 38, 48);
    const { local, scratch } = await fileWith(zip);
    const error = await thrownBy(readFlowsOffThread({ local, name: 'raw/broken.zip', scratch, prefix: 'v' }));
    expect(error).toBeInstanceOf(BadDataError);
    expect((error as BadDataError).location).toEqual({ file: 'raw/broken.zip' });
    expect((error as BadDataError).message).toMatch(/^raw\/broken\.zip: the zip cannot be read/);
    expect((error as BadDataError).cause).toBeInstanceOf(Error);
  });

  it('refuses a truncated zip and a member that inflates to more or less than its directory says, naming the file', async () => {
    const flow = new TextEncoder().encode(r151Flow([{ prm: '99000000000001', date: '2024-01-01', wh: { HCB: '1' } }]));
    const whole = Buffer.from(zipSync({ 'R151.xml': flow }));
    const truncated = await fileWith(whole.subarray(0, Math.floor(whole.length / 2)));
    const cut = await thrownBy(writeFileFlows(truncated.local, 'raw/cut.zip', truncated.scratch, 'v'));
    expect(cut).toBeInstanceOf(BadDataError);
    expect((cut as BadDataError).message).toMatch(/^raw\/cut\.zip: the zip cannot be read/);

    // The central directory's uncompressed size (offset 24 of its entry) made smaller than the member's.
    const lying = Buffer.from(whole);
    const directory = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(16, directory + 24);
    const bomb = await fileWith(lying);
    const refused = await thrownBy(writeFileFlows(bomb.local, 'raw/bomb.zip', bomb.scratch, 'v'));
    expect(refused).toBeInstanceOf(BadDataError);
    expect((refused as BadDataError).location).toEqual({ file: 'raw/bomb.zip' });
    expect((refused as BadDataError).message).toMatch(/^raw\/bomb\.zip: the zip cannot be read: .*bytes/);

    // And larger: the member ends before the size its directory gives.
    const short = Buffer.from(whole);
    short.writeUInt32LE(flow.length + 100, directory + 24);
    const ending = await fileWith(short);
    const early = await thrownBy(writeFileFlows(ending.local, 'raw/short.zip', ending.scratch, 'v'));
    expect(early).toBeInstanceOf(BadDataError);
    expect((early as BadDataError).message).toMatch(/^raw\/short\.zip: the zip cannot be read: .*not enough bytes/);
  });

  it('reads a stored member and a deflated one into the same values', async () => {
    const readings = Array.from({ length: 2_000 }, (_, i) => ({
      prm: String(99000000000000 + i),
      date: '2024-01-01',
      wh: { HCB: String(1000 + i), HPB: String(2000 + i) },
    }));
    const flow = new TextEncoder().encode(r151Flow(readings));
    const values = async (level: 0 | 6) => {
      const { local, scratch } = await fileWith(Buffer.from(zipSync({ 'R151.xml': [flow, { level }] })));
      const read = await writeFileFlows(local, 'raw/flow.zip', scratch, 'v');
      return Promise.all(read.parts.flatMap((p) => p.values.map((v) => readFile(v.path, 'utf8'))));
    };
    const stored = await values(0);
    expect(stored.join('').split('\n')).toHaveLength(4_001);
    expect(await values(6)).toEqual(stored);
  });

  it('fails at once when the values of a zip or an XML flow cannot be written, as that error and not as bad data', async () => {
    // Many chunks of the member, so that the failed write is met while the zip is still being read.
    const readings = Array.from({ length: 5_000 }, (_, i) => ({
      prm: String(99000000000000 + i),
      date: '2024-01-01',
      wh: { HCB: '1000', HPB: '2000' },
    }));
    const xml = r151Flow(readings);
    for (const body of [Buffer.from(zipSync({ 'R151.xml': new TextEncoder().encode(xml) })), xml]) {
      const { local, scratch } = await fileWith(body);
      const error = await thrownBy(writeFileFlows(local, 'raw/fine', path.join(scratch, 'missing'), 'v'));
      expect(error).not.toBeInstanceOf(BadDataError);
      expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
    }
  });
});
