/**
 * Lines of an RTE file that are not rows (no tab, a runaway line) are rejected with their line
 * and reason, never dropped: in the parsed file, its days, and what `courant import` shows (the
 * headline, the first rejects, the manifest, a day's raw-file facts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rteFileImport } from '../../src/datasets/eco2mix/file-import.js';
import { rteDayExport } from '../../src/datasets/eco2mix/rte/export.js';
import { coveredDays, parseRteFile } from '../../src/datasets/eco2mix/rte/file.js';
import { MAX_RTE_LINE_CHARS } from '../../src/datasets/eco2mix/rte/row.js';
import { eco2mixFixturePath } from '../support/eco2mix-fixtures.js';
import { buildRteFile } from '../support/rte-files.js';

const SAMPLE = 'vomain_dubonjus_eCO2mix_RTE_En-cours-TR_2016-06.xls';
const sampleLines = (): string[] => readFileSync(eco2mixFixturePath(SAMPLE)).toString('latin1').split('\n');
const latin1 = (lines: readonly string[]): Uint8Array => new Uint8Array(Buffer.from(lines.join('\n'), 'latin1'));

/** The real file with the tabs of line 50 (2016-06-01 12:00) turned into spaces. */
function sampleWithoutTabsOnLine50(): { bytes: Uint8Array; line50: string } {
  const lines = sampleLines();
  const line50 = (lines[49] ?? '').replaceAll('\t', ' ');
  lines[49] = line50;
  return { bytes: latin1(lines), line50 };
}

describe('a line without a tab in the real 2016 file (line 50, 2016-06-01 12:00)', () => {
  const { bytes, line50 } = sampleWithoutTabsOnLine50();
  const file = parseRteFile(bytes, SAMPLE);

  it('is rejected with its line number and reason, and every other line is accounted for', () => {
    expect(line50).toMatch(/^France Données temps réel 2016-06-01 12:00 55820 /);
    expect(file.rejects).toEqual([
      {
        line: 50,
        value: line50,
        reason: `expected 36 tab-separated fields like the header, found a line of ${line50.length} characters without a tab`,
      },
    ]);
    expect(file.accounting).toEqual({
      read: 2499,
      kept: 2495,
      rejected: 1,
      skipped: { header: 1, blank: 1, disclaimer: 1 },
    });
  });

  it('leaves its day with 95 points and the reject, the day still covered', () => {
    const day = file.days.get('2016-06-01');
    expect(day?.points).toBe(95);
    expect(day?.rows.map((row) => row.line)).not.toContain(50);
    expect(day?.rejects.map((reject) => reject.line)).toEqual([50]);
    expect(file.days.get('2016-06-02')?.rejects).toEqual([]);
    expect(coveredDays(file)).toContain('2016-06-01');
    expect(rteDayExport(file, '2016-06-01', 'realtime')).toMatchObject({ rows: 95, lines: [2, 97] });
  });

  it('shows in what `courant import` prints, in the manifest and in the facts of the day’s raw file', async () => {
    const imported = await rteFileImport.open(bytes, SAMPLE);
    expect(imported.headline(imported.days)).toBe(
      `${SAMPLE}: 2499 lines, 3 skipped (1 header, 1 blank, 1 disclaimer), 2496 rows, 1 rejected, realtime data`,
    );
    expect(imported.rejects).toEqual([expect.objectContaining({ line: 50 })]);
    expect(imported.manifest(imported.days, [])).toMatchObject({
      rowsRead: 2496,
      rejected: 1,
      accounting: { read: 2499, kept: 2495, rejected: 1 },
      rejects: [expect.objectContaining({ line: 50 })],
    });
    expect(imported.dayFile('2016-06-01', 'realtime')?.facts).toMatchObject({
      rows: 95,
      rejected: 1,
      rejects: [expect.objectContaining({ line: 50 })],
    });
    expect(imported.dayFile('2016-06-02', 'realtime')?.facts).toMatchObject({ rows: 96, rejected: 0 });
  });
});

describe('the unmodified real 2016 file', () => {
  it('heads the import with its lines, then its rows ending with the data it holds', async () => {
    const imported = await rteFileImport.open(latin1(sampleLines()), SAMPLE);
    expect(imported.headline(imported.days)).toBe(
      `${SAMPLE}: 2499 lines, 3 skipped (1 header, 1 blank, 1 disclaimer), 2496 rows, 0 rejected, realtime data`,
    );
    expect(imported.rejects).toEqual([]);
  });
});

describe('a runaway line without a tab right after the header', () => {
  const TEN_MB = 10 * 1024 * 1024;
  const lines = sampleLines();
  lines.splice(1, 0, 'x'.repeat(TEN_MB));
  const bytes = latin1(lines);

  it('is rejected on line 2 with only the start of its text, and the rows after it are kept', () => {
    const file = parseRteFile(bytes, SAMPLE);
    expect(file.rejects).toEqual([
      {
        line: 2,
        value: `${'x'.repeat(200)}…`,
        reason: `expected 36 tab-separated fields like the header, found a line of ${TEN_MB} characters without a tab`,
      },
    ]);
    expect(file.accounting).toEqual({
      read: 2500,
      kept: 2496,
      rejected: 1,
      skipped: { header: 1, blank: 1, disclaimer: 1 },
    });
    expect(file.days.get('2016-06-01')?.rows[0]?.line).toBe(3);
  });

  it('keeps the import summary and manifest small', async () => {
    const imported = await rteFileImport.open(bytes, SAMPLE);
    expect(imported.headline(imported.days)).toContain('2497 rows, 1 rejected');
    expect(JSON.stringify(imported.manifest(imported.days, [])).length).toBeLessThan(5_000);
  });
});

describe('other lines that are not rows', () => {
  it('rejects a tab-less line naming no day without giving it to a day, and skips blank lines anywhere', () => {
    const build = buildRteFile({ from: '2020-08-03', to: '2020-08-03', extraLines: ['', 'garbage', '\t\t', ''] });
    const file = parseRteFile(build.bytes, build.name);
    const garbage = 2 + 96 + 1;
    expect(file.rejects).toEqual([expect.objectContaining({ line: garbage, value: 'garbage' })]);
    expect(file.days.get('2020-08-03')?.rejects).toEqual([]);
    expect(file.accounting).toEqual({
      read: 1 + 96 + 4 + 1 + 1,
      kept: 96,
      rejected: 1,
      skipped: { header: 1, blank: 4, disclaimer: 1 },
    });
  });

  it('gives a row of the wrong width to the day it names', () => {
    const build = buildRteFile({ from: '2020-08-04', to: '2020-08-04' });
    const lines = build.text.split('\n');
    lines[10] = `${lines[10] ?? ''}extra`;
    const file = parseRteFile(latin1(lines), build.name);
    expect(file.days.get('2020-08-04')?.rejects).toEqual([
      expect.objectContaining({ line: 11, reason: 'expected 36 fields like the header, found 37' }),
    ]);
    expect(file.days.get('2020-08-04')?.points).toBe(95);
  });
});

describe('a line longer than a row may hold in the real 2016 file (line 50, a value of 1 MB)', () => {
  const lines = sampleLines();
  const long = `${lines[49] ?? ''}${'7'.repeat(1024 * 1024)}`;
  lines[49] = long;
  const file = parseRteFile(latin1(lines), SAMPLE);

  it('is rejected with its line, its start and its length; the file goes on with every other line', () => {
    expect(file.rejects).toEqual([
      {
        line: 50,
        value: expect.stringMatching(/^France\tDonnées temps réel\t2016-06-01\t12:00\t.*…$/) as unknown,
        reason: `the line is ${long.length} characters long, more than the ${MAX_RTE_LINE_CHARS} a row may hold`,
      },
    ]);
    expect(String(file.rejects[0]?.value).length).toBeLessThan(300);
    expect(file.accounting).toMatchObject({ read: 2499, kept: 2495, rejected: 1 });
    expect(file.days.get('2016-06-01')?.rejects.map((reject) => reject.line)).toEqual([50]);
  });
});
