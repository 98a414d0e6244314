/**
 * Files that are not 8-bit text — a UTF-16 copy of a real file, an Excel workbook — are refused at
 * the edge where they are read, with a message naming the file and what it is, instead of a
 * header error; Latin-1 (Windows-1252) RTE files keep working.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rteFileImport } from '../../src/datasets/eco2mix/file-import.js';
import { assertEco2mixCsv } from '../../src/datasets/eco2mix/export-file.js';
import { coveredDays, parseRteFile } from '../../src/datasets/eco2mix/rte/file.js';
import { readHeaderLine } from '../../src/datasets/smartmeter/header.js';
import { ECO2MIX_FIXTURE_FILES, eco2mixFixturePath, readEco2mixFixture } from '../support/eco2mix-fixtures.js';
import { buildRteFile } from '../support/rte-files.js';
import { badDataFrom, badDataFromAsync } from '../support/bad-data.js';
import { useEco2mixReader } from '../support/eco2mix-read.js';

const eco2mix = useEco2mixReader('courant-file-encodings-');

const SAMPLE = 'vomain_dubonjus_eCO2mix_RTE_En-cours-TR_2016-06.xls';
const sampleText = readFileSync(eco2mixFixturePath(SAMPLE)).toString('latin1');

/** The text as Notepad's "Unicode" saves it: UTF-16LE with a byte order mark. */
function utf16le(text: string, bom = true): Uint8Array {
  return new Uint8Array(Buffer.from(`${bom ? '\uFEFF' : ''}${text}`, 'utf16le'));
}

function utf16be(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(`\uFEFF${text}`, 'utf16le').swap16());
}

describe('RTE files', () => {
  it('refuses a UTF-16LE copy of the real 2016 file, naming the file and the encoding', () => {
    const error = badDataFrom(() => parseRteFile(utf16le(sampleText), SAMPLE));
    expect(error.location).toEqual({ file: SAMPLE });
    expect(error.message).toBe(
      `${SAMPLE}: the file is encoded as UTF-16LE; save it as tab-separated text in UTF-8 or Latin-1 ` +
        "(Windows-1252), as RTE's own files are",
    );
    expect(error.message).not.toMatch(/header/);
  });

  it('names UTF-16BE, UTF-16 without a byte order mark, and the entry of a zip', () => {
    expect(badDataFrom(() => parseRteFile(utf16be(sampleText), SAMPLE)).message).toMatch(/encoded as UTF-16BE;/);
    expect(badDataFrom(() => parseRteFile(utf16le(sampleText, false), SAMPLE)).message).toMatch(/encoded as UTF-16LE;/);
    const zip = zipSync({ 'eCO2mix_RTE_En-cours-TR.xls': utf16le(sampleText) });
    expect(badDataFrom(() => parseRteFile(zip, 'eCO2mix_RTE_En-cours-TR.zip')).location).toEqual({
      file: 'eCO2mix_RTE_En-cours-TR.zip!eCO2mix_RTE_En-cours-TR.xls',
    });
  });

  it('refuses an Excel workbook saved over the .xls, saying what it is', () => {
    const ole2 = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array<number>(504).fill(0)]);
    expect(badDataFrom(() => parseRteFile(ole2, SAMPLE)).message).toMatch(
      /an Excel workbook, not RTE's text file: export it as the RTE text file/,
    );
  });

  it('gives `courant import` the encoding in its reason', async () => {
    await expect(rteFileImport.open(utf16le(sampleText), SAMPLE)).rejects.toThrow(/encoded as UTF-16LE/);
  });

  it('still reads Windows-1252 bytes (a curly apostrophe, 0x92) in a Latin-1 file', () => {
    const build = buildRteFile({ from: '2020-08-05', to: '2020-08-05' });
    const [before = '', after = ''] = build.text.split('?');
    const bytes = Buffer.concat([Buffer.from(before, 'latin1'), Buffer.from([0x92]), Buffer.from(after, 'latin1')]);
    const file = parseRteFile(new Uint8Array(bytes), build.name);
    expect(file.encoding).toBe('latin1');
    expect(file.columns).toContain('hydraulique_fil_eau_eclusee');
    expect(file.rejects).toEqual([]);
    expect(coveredDays(file)).toEqual(['2020-08-05']);
  });
});

describe('ODRÉ CSV exports (downloads and their check)', () => {
  const FILE = 'raw/eco2mix/dt=2021-12-15/realtime.csv';
  const labels = readEco2mixFixture(ECO2MIX_FIXTURE_FILES.labels2021);

  it('refuses a UTF-16LE copy of the 2021 label export in the download check and the parser alike', async () => {
    const body = utf16le(labels);
    const checked = badDataFrom(() => assertEco2mixCsv(body, FILE));
    expect(checked.message).toBe(
      `${FILE}: the file is encoded as UTF-16LE; save it as UTF-8 text, as ODRÉ exports are`,
    );
    expect((await badDataFromAsync(() => eco2mix.read(body, { file: FILE, source: 'realtime' }))).message).toBe(
      checked.message,
    );
  });

  it('refuses UTF-16 without a byte order mark and binary bytes, instead of a header error', () => {
    expect(badDataFrom(() => assertEco2mixCsv(utf16le(labels, false), FILE)).message).toMatch(/encoded as UTF-16LE;/);
    const binary = Uint8Array.from([...Buffer.from('date_heure;consommation\n'), 0, 1, 2, 3]);
    expect(badDataFrom(() => assertEco2mixCsv(binary, FILE)).message).toMatch(/is binary \(it holds NUL bytes\)/);
  });
});

describe('smart-meter files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'courant-encodings-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the byte order of a UTF-16 file', async () => {
    const file = path.join(dir, 'be.csv');
    await writeFile(file, utf16be('meter_id,timestamp,kwh\nm1,2024-01-01T00:00:00Z,1\n'));
    await expect(readHeaderLine(file, 'inbox/smartmeter/be.csv')).rejects.toThrow(
      'inbox/smartmeter/be.csv: the file is encoded as UTF-16BE; save it as UTF-8 text',
    );
  });
});
