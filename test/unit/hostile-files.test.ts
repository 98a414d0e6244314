/**
 * Files a broken upstream or a careless user sends: each reader's bounds (a field, a run of text, a
 * line), a claim's reader limits taken for bad data of the file, reasons that name the bad value,
 * and a failure printed once with its distinct causes. The large inputs are written at test time.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimLimitError, lineSizeError } from '../../src/activities/claim-limits.js';
import { failureChain } from '../../src/client/failure-text.js';
import { enedisDrop } from '../../src/datasets/enedis/drop.js';
import { writeFileFlows } from '../../src/datasets/enedis/flow-files.js';
import { createFlowOutput } from '../../src/datasets/enedis/flow-output.js';
import { createFlowReader, MAX_FIELD_CHARS, MAX_TEXT_CHARS } from '../../src/datasets/enedis/flow-xml.js';
import { countDataLines, MAX_LINE_BYTES } from '../../src/datasets/smartmeter/line-count.js';
import { smartMeterDrop } from '../../src/datasets/smartmeter/drop.js';
import { BadDataError } from '../../src/workflow-safe/errors.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { r151Flow } from '../support/enedis-flows.js';
import {
  LONG_LINE_BYTES,
  writeLongLineSmartMeter,
  writeValueBombR151,
  writeWhitespaceZip,
} from '../support/hostile-inputs.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-hostile-');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-hostile-inputs-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(work: Promise<unknown>): Promise<BadDataError> {
  const error = await work.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(BadDataError);
  return error as BadDataError;
}

const now = new Date('2026-01-01T00:00:00Z');

async function enedisDays(local: string, name: string) {
  const sha256 = await sha256OfFile(local);
  return enedisDrop.days({
    db: scratch.connection,
    path: local,
    file: name,
    sha256,
    options: {},
    config: { jumpKWh: 1000 },
    now,
  });
}

async function flowFile(name: string, body: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, body);
  return file;
}

describe('an Enedis flow past its bounds', () => {
  it('cuts a value of 10 MiB of digits: refused naming the file, its line, Valeur and the length, not a DuckDB limit', async () => {
    const file = await writeValueBombR151(dir);
    const error = await refusal(enedisDays(file, 'inbox/enedis/bomb.xml'));
    expect(error.location).toMatchObject({ file: 'inbox/enedis/bomb.xml', line: 7, column: 'Valeur' });
    expect(error.problem).toContain('the index is not a number');
    expect(error.problem).toContain(`${10 * 1024 * 1024} characters, more than the ${MAX_FIELD_CHARS}`);
  });

  it('rejects an oversized value and keeps the file going: the other readings make its days', async () => {
    const file = await flowFile(
      'mixed.xml',
      r151Flow([
        { prm: '99000000000001', date: '2024-04-04', wh: { HPH: '5'.repeat(MAX_FIELD_CHARS + 1) } },
        { prm: '99000000000002', date: '2024-04-05', wh: { HPH: '1000' } },
      ]),
    );
    expect(await enedisDays(file, 'inbox/enedis/mixed.xml')).toEqual(['2024-04-05']);
  });

  it('keeps a value of exactly the bound as it is', async () => {
    const file = await flowFile(
      'at-bound.xml',
      r151Flow([{ prm: '99000000000001', date: '2024-04-04', wh: { HPH: '1'.padStart(MAX_FIELD_CHARS, '0') } }]),
    );
    expect(await enedisDays(file, 'inbox/enedis/at-bound.xml')).toEqual(['2024-04-04']);
  });

  it('refuses a zip member of 1.5 GiB of whitespace at once, naming the member and the line', async () => {
    const zip = await writeWhitespaceZip(dir);
    const error = await refusal(writeFileFlows(zip, 'inbox/enedis/ws.zip', dir, 'ws'));
    expect(error.location).toMatchObject({ file: 'inbox/enedis/ws.zip!r151.xml', line: 2 });
    expect(error.problem).toContain(`more than ${MAX_TEXT_CHARS} characters without markup`);
    expect(error.problem).toContain('(in R151)');
  });

  it('reads a run of the bound since the last "<", and stops reading past it', async () => {
    // The run counts from the last `<`: the 5 characters of `R151>`, then the spaces.
    const spaces = ' '.repeat(MAX_TEXT_CHARS - 'R151>'.length);
    const at = createFlowReader('raw/run.xml', createFlowOutput(path.join(dir, 'run-at')));
    expect(await at.write('<R151>')).toBe(true);
    expect(await at.write(spaces)).toBe(true);
    expect(await at.write('</R151>')).toBe(true);
    expect((await at.close()).values).toBe(0);
    const past = createFlowReader('raw/run.xml', createFlowOutput(path.join(dir, 'run-past')));
    expect(await past.write('<R151>')).toBe(true);
    expect(await past.write(spaces)).toBe(true);
    expect(await past.write(' ')).toBe(false);
    await expect(past.close()).rejects.toThrow(/run\.xml, line 1: more than/);
  });

  it('names the PRM that is not 14 digits and the date that does not exist', async () => {
    const shortPrm = await flowFile(
      'short-prm.xml',
      r151Flow([{ prm: '9900000000001', date: '2024-04-04', wh: { HPH: '1000' } }]),
    );
    const prm = await refusal(enedisDays(shortPrm, 'inbox/enedis/short-prm.xml'));
    expect(prm.message).toBe(
      'inbox/enedis/short-prm.xml, line 7, column Id_PRM: holds no reading courant can keep: its one value is rejected, the first as the PRM is not 14 digits ("9900000000001")',
    );
    const noSuchDay = await flowFile(
      'no-such-day.xml',
      r151Flow([{ prm: '99000000000001', date: '2024-02-30', wh: { HPH: '1000', HCB: '2000' } }]),
    );
    const date = await refusal(enedisDays(noSuchDay, 'inbox/enedis/no-such-day.xml'));
    expect(date.location.column).toBe('Date_Releve');
    expect(date.problem).toContain('all 2 values are rejected');
    expect(date.problem).toContain('the reading date does not exist ("2024-02-30")');
  });

  it('writes a malformed flow location once, as "line N, column M"', async () => {
    const file = await flowFile('broken.xml', `<?xml version='1.0'?>\n<R151>\n<PRM>\n</R151>\n`);
    const error = await refusal(writeFileFlows(file, 'inbox/enedis/broken.xml', dir, 'broken'));
    expect(error.message).toMatch(/^inbox\/enedis\/broken\.xml, line 4, column \d+: not well-formed XML/);
    expect(error.message.match(/broken\.xml/g)).toHaveLength(1);
  });
});

describe('a smart-meter file past its bounds', () => {
  it('refuses a second line of 54 MB with no line end before DuckDB reads it, naming the line', async () => {
    const file = await writeLongLineSmartMeter(dir);
    const error = await refusal(
      smartMeterDrop.days({
        db: scratch.connection,
        path: file,
        file: 'inbox/smartmeter/long.csv',
        sha256: await sha256OfFile(file),
        options: {},
        config: { stepMinutes: 30, dueHours: null },
        now,
      }) ?? Promise.resolve(),
    );
    expect(LONG_LINE_BYTES).toBeGreaterThan(MAX_LINE_BYTES);
    expect(error.location).toEqual({ file: 'inbox/smartmeter/long.csv', line: 2 });
    expect(error.problem).toContain(`longer than ${MAX_LINE_BYTES} bytes`);
  });

  it('counts a line of exactly the bound', async () => {
    const file = path.join(dir, 'at-bound.csv');
    await writeFile(file, `meter_id,timestamp,kwh\n${'x'.repeat(MAX_LINE_BYTES)}\n`);
    expect((await countDataLines(file, 'at-bound.csv')).dataLines).toBe(1);
  });

  it('names the first rejected row of a file whose every row is rejected', async () => {
    const file = path.join(dir, 'all-bad.csv');
    await writeFile(
      file,
      'meter_id,timestamp,kwh\nm1,2024-02-30T00:00:00+01:00,1.5\nm1,2024-02-30T00:30:00+01:00,1.5\n',
    );
    const error = await refusal(
      smartMeterDrop.days({
        db: scratch.connection,
        path: file,
        file: 'inbox/smartmeter/all-bad.csv',
        sha256: await sha256OfFile(file),
        options: {},
        config: { stepMinutes: 30, dueHours: null },
        now,
      }) ?? Promise.resolve(),
    );
    expect(error.location).toMatchObject({ file: 'inbox/smartmeter/all-bad.csv', line: 2 });
    expect(error.problem).toContain('all 2 rows are rejected');
    expect(error.problem).toContain('"2024-02-30T00:00:00+01:00"');
  });
});

describe('a reader limit met during a claim', () => {
  it.each([
    ['Invalid Input Error: CSV Error on Line: 2\nMaximum line size of 2000000 bytes exceeded. Possible Solution: …'],
    ['Out of Memory Error: failed to allocate data of size 32.0 KiB (244.1 MiB/244.1 MiB used)'],
    ['Invalid string length'],
  ])('is bad data of the file, its message kept as the cause: %s', (message) => {
    const cause = new Error(message);
    const error = claimLimitError(new Error('wrapped', { cause }), 'inbox/enedis/x.xml');
    expect(error).toBeInstanceOf(BadDataError);
    expect(error?.location).toEqual({ file: 'inbox/enedis/x.xml' });
    expect(error?.message).not.toContain('Possible Solution');
  });

  it('leaves other failures as they are (retried)', () => {
    expect(claimLimitError(new Error('ECONNRESET'), 'inbox/enedis/x.xml')).toBeNull();
  });

  it("in a day's transform, only DuckDB's line size is bad data of the day's files; memory is not judged there", () => {
    const line = new Error('Invalid Input Error: Maximum line size of 2000000 bytes exceeded');
    expect(lineSizeError(line, 'raw/a.csv, raw/b.csv')?.location).toEqual({ file: 'raw/a.csv, raw/b.csv' });
    expect(lineSizeError(new Error('Out of Memory Error: failed to allocate'), 'raw/a.csv')).toBeNull();
  });
});

describe('a failure printed for a terminal', () => {
  it('says what failed once, its distinct causes below, what to do once', () => {
    const original = new BadDataError({ file: 'inbox/enedis/x.xml', line: 13, column: '2' }, 'not well-formed XML');
    const moved = new BadDataError(original.location, `${original.problem} (moved to quarantine/enedis/inbox/x.xml)`, {
      cause: original,
    });
    const activity = ApplicationFailure.create({
      type: 'BadData',
      nonRetryable: true,
      message: moved.message,
      cause: moved,
    });
    const wrapper = new Error('Activity task failed', { cause: activity });
    const claim = ApplicationFailure.create({
      type: 'BadData',
      message: `the file could not be claimed [BadData]: ${moved.message}`,
      cause: wrapper,
    });
    const text = failureChain(new Error('Workflow execution failed', { cause: claim }));
    expect(text.split('\n')).toEqual([
      'the file could not be claimed [BadData]: inbox/enedis/x.xml, line 13, column 2: not well-formed XML (moved to quarantine/enedis/inbox/x.xml)',
      expect.stringMatching(/^What to do: fix the file named above/),
    ]);
  });

  it('keeps a distinct cause, on its first line only', () => {
    const duckdb = new Error('Out of Memory Error: failed to allocate\nPossible Solution: set memory_limit');
    const refused = new BadDataError({ file: 'inbox/smartmeter/m.csv' }, 'reading it needs more memory', {
      cause: duckdb,
    });
    const text = failureChain(ApplicationFailure.create({ type: 'BadData', message: refused.message, cause: refused }));
    expect(text).toContain('\n  caused by: Out of Memory Error: failed to allocate\n');
    expect(text).not.toContain('Possible Solution');
    expect(text.match(/What to do/g)).toHaveLength(1);
  });
});
