/**
 * RTE downloadable files: the real 2016 En-cours-TR file, and synthetic files for what it does not
 * show (DST nights, newer columns, French dates, consolidated data, broken files).
 */
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { computeEco2mixMetrics } from '../reference/eco2mix-metrics.js';
import { rteDayExport, rteDaySources } from '../../src/datasets/eco2mix/rte/export.js';
import { coveredDays, parseRteFile, sourceOfFileName } from '../../src/datasets/eco2mix/rte/file.js';
import type { Eco2mixSource } from '../../src/datasets/eco2mix/sources.js';
import { eco2mixFixturePath } from '../support/eco2mix-fixtures.js';
import { buildRteFile, zipRteFile } from '../support/rte-files.js';
import { badDataFrom } from '../support/bad-data.js';
import { useEco2mixReader } from '../support/eco2mix-read.js';

const eco2mix = useEco2mixReader('courant-rte-file-');

const SAMPLE = 'vomain_dubonjus_eCO2mix_RTE_En-cours-TR_2016-06.xls';
const sampleBytes = () => new Uint8Array(readFileSync(eco2mixFixturePath(SAMPLE)));

/** The day as the pipeline would see it: the export of each source, parsed, merged, measured. */
async function dayMetrics(file: ReturnType<typeof parseRteFile>, date: string) {
  const exports = rteDaySources(file, date).map(
    (source: Eco2mixSource) => [source, rteDayExport(file, date, source)?.csv ?? ''] as const,
  );
  const day = await eco2mix.transform(date, exports);
  expect(day.rejects).toEqual([]);
  return computeEco2mixMetrics(date, day.records);
}

describe('the real RTE En-cours-TR file of June 2016', () => {
  const file = parseRteFile(sampleBytes(), SAMPLE);

  it('reads the Latin-1 header with its literal "?" and every one of the 2496 rows, without rejects', () => {
    expect(file.encoding).toBe('latin1');
    expect(file.entry).toBeNull();
    expect(file.columns).toHaveLength(36);
    expect(file.columns).toContain('hydraulique_fil_eau_eclusee');
    expect(file.columns).toContain('taux_co2');
    expect(file.ignoredColumns).toEqual([]);
    expect(file.accounting).toMatchObject({ kept: 2496, rejected: 0 });
    expect(file.rejects).toEqual([]);
  });

  it('skips the header, the disclaimer after the data and the last blank line, counting each', () => {
    expect(file.accounting).toEqual({
      read: 2499,
      kept: 2496,
      rejected: 0,
      skipped: { header: 1, disclaimer: 1, blank: 1 },
    });
  });

  it('covers the days with a consumption value: 1 to 25 June; the forecast-only 26th is not covered', () => {
    expect(coveredDays(file)).toEqual(
      Array.from({ length: 25 }, (_, i) => `2016-06-${String(i + 1).padStart(2, '0')}`),
    );
    expect(file.days.get('2016-06-26')).toMatchObject({ points: 0 });
    expect(file.days.get('2016-06-26')?.rows).toHaveLength(96);
    expect(file.days.get('2016-06-25')?.points).toBe(40);
  });

  it('reads local times as Paris instants and takes the file as real-time data', () => {
    const [first] = file.days.get('2016-06-01')?.rows ?? [];
    expect(new Date(first?.instant ?? 0).toISOString()).toBe('2016-05-31T22:00:00.000Z');
    expect(first?.source).toBe('realtime');
    expect(rteDaySources(file, '2016-06-01')).toEqual(['realtime']);
  });

  it('turns a day into the API export, whose metrics match the file summed by hand', async () => {
    const exported = rteDayExport(file, '2016-06-01', 'realtime');
    expect(exported).toMatchObject({ rows: 96, lines: [2, 97] });
    expect(exported?.csv.split('\r\n')[0]).toContain('date_heure;consommation;prevision_j1');
    expect(rteDayExport(file, '2016-06-01', 'consolidated')).toBeNull();
    const metrics = await dayMetrics(file, '2016-06-01');
    // Σ Consommation of the 96 rows of 2016-06-01 = 4 644 157 MW × 0.25 h (awk over the file).
    expect(metrics).toMatchObject({ source: 'realtime', stepMinutes: 15, points: 96, completeness: 1 });
    expect(metrics.consumption).toMatchObject({
      energyMWh: 1_161_039.25,
      peakMW: 56_223,
      peakAt: '2016-06-01T10:45:00.000Z',
      minMW: 37_739,
      minAt: '2016-06-01T02:15:00.000Z',
    });
    // The partial 25th: 40 points until 09:45 local, the later rows hold forecasts only.
    const partial = await dayMetrics(file, '2016-06-25');
    expect(partial).toMatchObject({ points: 40, expectedPoints: 96 });
    expect(partial.consumption.energyMWh).toBe(383_960);
  });

  it('reads the same rows from the file zipped, naming the entry', () => {
    const zipped = parseRteFile(
      zipSync({ 'eCO2mix_RTE_En-cours-TR.xls': sampleBytes() }),
      'eCO2mix_RTE_En-cours-TR.zip',
    );
    expect(zipped.entry).toBe('eCO2mix_RTE_En-cours-TR.xls');
    expect(zipped.accounting).toEqual(file.accounting);
    expect(coveredDays(zipped)).toEqual(coveredDays(file));
  });
});

describe('the DST rule for local times', () => {
  it('March: the skipped hour is absent, the day has 92 quarter-hours; a row in the gap is rejected', async () => {
    const gapRow = [
      'France',
      'Données temps réel',
      '2020-03-29',
      '02:30',
      '50000',
      ...Array<string>(32).fill(''),
      '',
    ].join('\t');
    const build = buildRteFile({ from: '2020-03-29', to: '2020-03-29', extraLines: [gapRow] });
    const file = parseRteFile(build.bytes, build.name);
    expect(file.days.get('2020-03-29')?.rows).toHaveLength(92);
    expect(file.rejects).toEqual([
      expect.objectContaining({
        line: 94,
        column: 'heure',
        reason: '2020-03-29 02:30 does not exist in Europe/Paris (the clocks skip that hour when summer time starts)',
      }),
    ]);
    const metrics = await dayMetrics(file, '2020-03-29');
    expect(metrics).toMatchObject({ points: 92, expectedPoints: 92, completeness: 1 });
    const instants = file.days.get('2020-03-29')?.rows.map((r) => new Date(r.instant).toISOString()) ?? [];
    expect(instants).toContain('2020-03-29T00:45:00.000Z'); // 01:45 CET
    expect(instants).toContain('2020-03-29T01:00:00.000Z'); // 03:00 CEST
    expect(instants).toHaveLength(new Set(instants).size);
  });

  it('October: the repeated hour written twice is summer time first, then winter time: 100 quarter-hours', async () => {
    const build = buildRteFile({ from: '2020-10-25', to: '2020-10-25' });
    const file = parseRteFile(build.bytes, build.name);
    const rows = file.days.get('2020-10-25')?.rows ?? [];
    expect(rows).toHaveLength(100);
    const at0200 = rows.filter((r) => r.time === '02:00').map((r) => new Date(r.instant).toISOString());
    expect(at0200).toEqual(['2020-10-25T00:00:00.000Z', '2020-10-25T01:00:00.000Z']);
    const instants = rows.map((r) => r.instant);
    expect(instants).toEqual([...instants].sort((a, b) => a - b));
    expect(await dayMetrics(file, '2020-10-25')).toMatchObject({ points: 100, expectedPoints: 100, completeness: 1 });
  });

  it('October: the hour written once is taken as summer time, and the day is 96 of 100', async () => {
    const build = buildRteFile({ from: '2020-10-25', to: '2020-10-25', repeatedHour: 'once' });
    const file = parseRteFile(build.bytes, build.name);
    expect(file.rejects).toEqual([]);
    expect(await dayMetrics(file, '2020-10-25')).toMatchObject({ points: 96, expectedPoints: 100 });
    const at0215 = file.days.get('2020-10-25')?.rows.find((r) => r.time === '02:15');
    expect(new Date(at0215?.instant ?? 0).toISOString()).toBe('2020-10-25T00:15:00.000Z');
  });

  it('October: a third 02:15 is rejected', () => {
    const third = [
      'France',
      'Données temps réel',
      '2020-10-25',
      '02:15',
      '50000',
      ...Array<string>(32).fill(''),
      '',
    ].join('\t');
    const build = buildRteFile({ from: '2020-10-25', to: '2020-10-25', extraLines: [third] });
    const file = parseRteFile(build.bytes, build.name);
    expect(file.rejects).toEqual([
      expect.objectContaining({
        column: 'heure',
        reason: expect.stringMatching(/02:15 appears a third time/) as string,
      }),
    ]);
  });
});

describe('column sets, dates and natures', () => {
  it('maps the newer columns by name (leading space, onshore/offshore wind between older columns)', async () => {
    const build = buildRteFile({ from: '2020-06-10', to: '2020-06-10', columns: 'newer' });
    const file = parseRteFile(build.bytes, build.name);
    expect(file.columns).toEqual(
      expect.arrayContaining(['eolien_terrestre', 'eolien_offshore', 'stockage_batterie', 'destockage_batterie']),
    );
    const csv = rteDayExport(file, '2020-06-10', 'realtime')?.csv ?? '';
    const records = (await eco2mix.read(csv, { file: 'x', source: 'realtime' })).records;
    expect(records).toHaveLength(96);
    expect(records[0]).toMatchObject({ eolien_offshore: 200, stockage_batterie: 0 });
    expect(records[0]?.eolien_terrestre).toBe((records[0]?.eolien ?? 0) - 200);
  });

  it('reads DD/MM/YYYY dates like YYYY-MM-DD ones', async () => {
    const iso = parseRteFile(buildRteFile({ from: '2020-06-11', to: '2020-06-12' }).bytes, 'a.xls');
    const french = parseRteFile(buildRteFile({ from: '2020-06-11', to: '2020-06-12', dates: 'french' }).bytes, 'b.xls');
    expect(french.rejects).toEqual([]);
    expect(coveredDays(french)).toEqual(['2020-06-11', '2020-06-12']);
    expect(await dayMetrics(french, '2020-06-12')).toEqual(await dayMetrics(iso, '2020-06-12'));
  });

  it('takes definitive data as consolidated, with its half-hourly values and forecast-only quarter rows', async () => {
    const build = buildRteFile({ from: '2020-07-01', to: '2020-07-02', kind: 'Definitif' });
    const file = parseRteFile(zipRteFile(build).bytes, 'eCO2mix_RTE_Annuel-Definitif_2020.zip');
    expect(rteDaySources(file, '2020-07-01')).toEqual(['consolidated']);
    expect(rteDayExport(file, '2020-07-01', 'consolidated')?.rows).toBe(96);
    expect(await dayMetrics(file, '2020-07-01')).toMatchObject({
      source: 'consolidated',
      stepMinutes: 30,
      points: 48,
      expectedPoints: 48,
    });
  });

  it('knows RTE file names', () => {
    expect(sourceOfFileName('eCO2mix_RTE_En-cours-TR.zip')).toBe('realtime');
    expect(sourceOfFileName(SAMPLE)).toBe('realtime');
    expect(sourceOfFileName('eCO2mix_RTE_En-cours-Consolide.xls')).toBe('consolidated');
    expect(sourceOfFileName('eCO2mix_RTE_Annuel-Definitif_2019.zip')).toBe('consolidated');
    expect(sourceOfFileName('data.xls')).toBeNull();
  });

  it('skips days of forecasts only: ND and empty cells are missing values', () => {
    const build = buildRteFile({ from: '2020-07-03', to: '2020-07-03', forecastDays: 2 });
    const file = parseRteFile(build.bytes, build.name);
    expect(file.rejects).toEqual([]);
    expect(coveredDays(file)).toEqual(['2020-07-03']);
    expect(file.days.get('2020-07-05')?.points).toBe(0);
  });
});

describe('bad files and bad rows', () => {
  const header = buildRteFile({ from: '2020-08-01', to: '2020-08-01' }).text.split('\n')[0] ?? '';

  it('refuses an HTML page, an ODRÉ `;` export and a header without a required column, naming line and column', () => {
    expect(
      badDataFrom(() => parseRteFile(Buffer.from('<html><body>Maintenance</body></html>'), 'x.xls')).message,
    ).toMatch(/x\.xls, line 1: expected the tab-separated header of an RTE eCO2mix file.*an HTML page/);
    expect(badDataFrom(() => parseRteFile(Buffer.from('date_heure;consommation\n'), 'x.xls')).message).toMatch(
      /tab-separated header/,
    );
    const noCo2 = header.replace('\tTaux de Co2', '');
    expect(badDataFrom(() => parseRteFile(Buffer.from(`${noCo2}\n`, 'latin1'), 'x.xls')).location).toEqual({
      file: 'x.xls',
      line: 1,
      column: 'taux_co2',
    });
  });

  it('refuses a zip without a data file, or with two', () => {
    const bytes = buildRteFile({ from: '2020-08-01', to: '2020-08-01' }).bytes;
    expect(badDataFrom(() => parseRteFile(zipSync({ 'readme.pdf': bytes }), 'a.zip')).message).toMatch(/no \.xls/);
    expect(badDataFrom(() => parseRteFile(zipSync({ 'a.xls': bytes, 'b.xls': bytes }), 'a.zip')).message).toMatch(
      /several data files: a\.xls, b\.xls/,
    );
  });

  it('rejects a bad row with its line and reason and keeps the others', () => {
    const build = buildRteFile({ from: '2020-08-01', to: '2020-08-01' });
    const lines = build.text.split('\n');
    lines[5] = (lines[5] ?? '').replace(/^((?:[^\t]*\t){4})[^\t]*/, '$1abc');
    lines[6] = `${lines[6] ?? ''}extra`;
    lines[7] = (lines[7] ?? '').replace('2020-08-01', '2020-13-01');
    const file = parseRteFile(Buffer.from(lines.join('\n'), 'latin1'), build.name);
    expect(file.rejects).toEqual([
      expect.objectContaining({
        line: 6,
        column: 'consommation',
        value: 'abc',
        reason: 'consommation is not a number',
      }),
      expect.objectContaining({ line: 7, reason: 'expected 36 fields like the header, found 37' }),
      expect.objectContaining({ line: 8, column: 'date' }),
    ]);
    expect(file.days.get('2020-08-01')?.rows).toHaveLength(93);
    expect(file.days.get('2020-08-01')?.rejects.map((reject) => reject.line)).toEqual([6, 7]);
  });

  it('accepts a UTF-8 copy of the file and a BOM', () => {
    const build = buildRteFile({ from: '2020-08-02', to: '2020-08-02' });
    const file = parseRteFile(Buffer.from(`\uFEFF${build.text}`, 'utf8'), build.name);
    expect(file.encoding).toBe('utf-8');
    expect(coveredDays(file)).toEqual(['2020-08-02']);
  });
});

describe('an Excel workbook given for RTE’s text file', () => {
  it('says so, and what to do, for a real .xlsx renamed .xls and for an Excel 97 workbook', () => {
    const xlsx = zipSync({
      '[Content_Types].xml': Buffer.from('<?xml version="1.0"?><Types/>'),
      'xl/workbook.xml': Buffer.from('<?xml version="1.0"?><workbook/>'),
      'xl/worksheets/sheet1.xml': Buffer.from('<?xml version="1.0"?><worksheet/>'),
    });
    const renamed = badDataFrom(() => parseRteFile(xlsx, 'eCO2mix_RTE_En-cours-TR.xls'));
    expect(renamed.message).toContain("an Excel workbook, not RTE's text file: export it as the RTE text file");
    expect(renamed.location.file).toBe('eCO2mix_RTE_En-cours-TR.xls');
    const ole2 = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
    expect(badDataFrom(() => parseRteFile(ole2, 'old.xls')).message).toContain('an Excel workbook');
  });
});
