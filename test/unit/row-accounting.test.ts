/**
 * Every line of every file a parser reads is accounted for: read = kept + rejected + skipped (for
 * a named reason), and read is the file's own count of lines (records), taken independently of the
 * parser. Over every eCO2mix fixture (RTE yearly-format files and ODRÉ exports), synthetic files
 * with odd lines, and the smart-meter files read by DuckDB.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { describe, expect, it } from 'vitest';
import type { RowAccounting } from '../../src/datasets/eco2mix/accounting.js';
import { skippedCount } from '../../src/datasets/eco2mix/accounting.js';
import { apiRecordsToExportCsv } from '../../src/datasets/eco2mix/export-csv.js';
import { parseRteFile } from '../../src/datasets/eco2mix/rte/file.js';
import { transformSmartMeterFiles } from '../../src/datasets/smartmeter/day-transform.js';
import { readHeaderLine } from '../../src/datasets/smartmeter/header.js';
import { countDataLines } from '../../src/datasets/smartmeter/line-count.js';
import { fileRowsSql } from '../../src/datasets/smartmeter/rows-sql.js';
import { recogniseShape } from '../../src/datasets/smartmeter/shapes.js';
import { BadDataError } from '../../src/workflow-safe/errors.js';
import { eco2mixFixtureNames, eco2mixFixturePath } from '../support/eco2mix-fixtures.js';
import { buildRteFile } from '../support/rte-files.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';
import { useEco2mixReader } from '../support/eco2mix-read.js';

const eco2mix = useEco2mixReader('courant-row-accounting-');

const SMARTMETER_FIXTURES = path.join('test', 'fixtures', 'smartmeter');

/** Lines of a text as `wc -l` counts them, plus a last line without a line end. */
function lineCount(text: string): number {
  const ends = text.split('\n').length - 1;
  return ends + (text === '' || text.endsWith('\n') ? 0 : 1);
}

function expectIdentity<TSkip extends string>(accounting: RowAccounting<TSkip>, lines: number): void {
  expect(accounting.kept + accounting.rejected + skippedCount(accounting)).toBe(accounting.read);
  expect(accounting.read).toBe(lines);
}

/** A fixture's accounting, by the parser its kind of file goes through, and its independent line count. */
async function accountFixture(name: string): Promise<{ accounting: RowAccounting<string>; lines: number }> {
  const bytes = readFileSync(eco2mixFixturePath(name));
  if (name.endsWith('.xls')) {
    return { accounting: parseRteFile(bytes, name).accounting, lines: lineCount(bytes.toString('latin1')) };
  }
  // The API records become what the export endpoint serves for them (the demo's ODRÉ stand-in does the same).
  const csv = name.endsWith('.json') ? apiRecordsToExportCsv(JSON.parse(bytes.toString('utf8')) as unknown[]) : null;
  if (csv === null && !name.endsWith('.csv')) throw new Error(`no parser known for the fixture ${name}: add it here`);
  const text = (csv ?? bytes.toString('utf8')).replaceAll('\r\n', '\n');
  expect(text).not.toContain('"'); // no quoted multi-line field: lines are records
  const accounting = (await eco2mix.read(csv ?? bytes, { file: name, source: 'realtime' })).accounting;
  return { accounting, lines: lineCount(text) };
}

describe('every eCO2mix fixture file', () => {
  const names = eco2mixFixtureNames();

  it('covers the RTE file, the label exports and the API records', () => {
    expect(names.map((name) => path.extname(name)).sort()).toEqual(['.csv', '.csv', '.json', '.xls']);
  });

  for (const name of names) {
    it(`accounts for every line of ${name}`, async () => {
      const { accounting, lines } = await accountFixture(name);
      expectIdentity(accounting, lines);
      expect(accounting.kept).toBeGreaterThan(0);
      expect(accounting.rejected).toBe(0);
    });
  }
});

describe('files with odd lines', () => {
  it('RTE: blank, tab-less, disclaimer and wrong-width lines, zipped or not', () => {
    const build = buildRteFile({
      from: '2020-10-25',
      to: '2020-10-25',
      forecastDays: 1,
      extraLines: ['', 'no tab here', '\t \t', 'RTE ne pourra être tenu responsable (twice)', 'a\tb'],
    });
    const text = `\n\n${build.text}\n`;
    const file = parseRteFile(Buffer.from(text, 'latin1'), build.name);
    expectIdentity(file.accounting, lineCount(text));
    expect(file.accounting).toMatchObject({ kept: 100 + 96, rejected: 2, skipped: { header: 1, disclaimer: 2 } });
  });

  it('ODRÉ CSV: blank lines, lines of delimiters, a quoted multi-line field, rejected and superseded rows', async () => {
    const header =
      'nature;date_heure;consommation;prevision_j1;prevision_j;fioul;charbon;gaz;nucleaire;eolien;solaire;hydraulique;pompage;bioenergies;ech_physiques;taux_co2';
    const cells = ';1;1;1;1;1;1;1;1;1;1;1;1;1';
    const text = [
      `\uFEFF${header}`,
      '',
      `"two\r\nlines";2025-08-22T00:00:00Z;34000${cells}`,
      ';;;',
      '   ',
      `x;2025-08-22T00:15:00Z;oops${cells}`,
      `x;2025-08-22T00:00:00Z;34001${cells}`,
      'x;short',
      '',
    ].join('\r\n');
    const { accounting } = await eco2mix.read(text, { file: 'f.csv', source: 'realtime' });
    expect(accounting).toEqual({ read: 8, kept: 1, rejected: 3, skipped: { header: 1, blank: 3 } });
    expectIdentity(accounting, lineCount(text) - 1); // the quoted field spans two lines of one record
  });
});

describe('smart-meter files read by DuckDB', () => {
  const scratch = useScratchDuckDb('courant-accounting-');

  /** Lines of the file: kept and rejected rows as the transform reads them, header and blank lines skipped. */
  async function accountSmartMeterFile(file: string): Promise<RowAccounting<'header' | 'blank'>> {
    const shape = recogniseShape(await readHeaderLine(file, file), file, 30);
    const lines = await countDataLines(file, file);
    const rows = fileRowsSql({ path: file, file, arrival: 0, shape, meterId: 'm', blankLines: lines.blankLines ?? [] });
    const result = await scratch.connection.runAndReadAll(
      `SELECT count(*) FILTER (WHERE reason IS NULL), count(*) FILTER (WHERE reason IS NOT NULL) FROM (${rows})`,
    );
    const [kept = 0, rejected = 0] = (result.getRowsJson()[0] ?? []).map(Number);
    const blank = lines.blankLines?.length ?? 0;
    return { read: 1 + blank + lines.dataLines, kept, rejected, skipped: { header: 1, blank } };
  }

  it('accounts for every line of every smart-meter fixture', async () => {
    const names = readdirSync(SMARTMETER_FIXTURES).filter((name) => name.endsWith('.csv'));
    expect(names).not.toEqual([]);
    for (const name of names) {
      const file = path.join(SMARTMETER_FIXTURES, name);
      const accounting = await accountSmartMeterFile(file);
      expectIdentity(accounting, lineCount(readFileSync(file, 'utf8')));
      expect(accounting).toMatchObject({ kept: 5000, rejected: 0 });
    }
  });

  it('accounts for blank lines, lines of carriage returns, spaces, no delimiter and a stray quote', async () => {
    const text = [
      'meter_id,timestamp,kwh',
      'm1,2024-01-01T00:00:00Z,1',
      '',
      '\r\r',
      '   ',
      'no delimiter',
      '"m1,2024-01-01T00:30:00Z,1',
      'm1,2024-01-01T01:00:00Z,1',
    ].join('\n');
    const file = path.join(scratch.dir, 'odd.csv');
    await writeFile(file, text);
    const accounting = await accountSmartMeterFile(file);
    expect(accounting).toEqual({ read: 8, kept: 3, rejected: 2, skipped: { header: 1, blank: 2 } });
    expectIdentity(accounting, lineCount(text));
  });

  async function transform(name: string, body: string) {
    const file = path.join(scratch.dir, name);
    await writeFile(file, body);
    const key = `raw/smartmeter/dt=2024-01-01/${name}`;
    const out = await mkdtemp(path.join(scratch.dir, 'day-'));
    const rejectsPath = path.join(out, 'rejects.jsonl');
    const result = await transformSmartMeterFiles({
      date: '2024-01-01',
      config: { stepMinutes: 30, dueHours: null },
      db: scratch.connection,
      files: [
        { source: 'drop', key, path: file, sha256: await sha256OfFile(file), order: 0, options: { meterId: 'm1' } },
      ],
      tablePath: (table) => path.join(out, `${table}.parquet`),
      rejectsPath,
      scratchDir: out,
    });
    const rejects = readFileSync(rejectsPath, 'utf8').split('\n').filter(Boolean);
    return { result, rejects: rejects.map((line) => JSON.parse(line) as { line: number }) };
  }

  it('numbers the rows after a line of carriage returns right in the day’s rejects', async () => {
    const { result, rejects } = await transform(
      'cr.csv',
      'meter_id,timestamp,kwh\nm1,2024-01-01T00:00:00Z,1\n\r\r\nm1,2024-01-01T00:30:00Z,oops\n',
    );
    expect(result.rows).toEqual({ read: 2, written: 1, rejected: 1 });
    expect(rejects.map((reject) => reject.line)).toEqual([4]);
  });

  it('refuses a file whose lines DuckDB splits differently (a carriage return alone as a line end)', async () => {
    const error = await transform(
      'mac.csv',
      'meter_id,timestamp,kwh\nm1,2024-01-01T00:00:00Z,1\rm1,2024-01-01T00:30:00Z,1\n',
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadDataError);
    expect((error as BadDataError).location).toEqual({ file: 'raw/smartmeter/dt=2024-01-01/mac.csv' });
    expect((error as BadDataError).message).toMatch(/1 non-blank lines follow the header, but 2 were read as rows/);
  });
});
