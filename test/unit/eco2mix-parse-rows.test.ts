import { describe, expect, it } from 'vitest';
import { apiRecordsToExportCsv } from '../support/eco2mix-fixtures.js';
import { useEco2mixReader } from '../support/eco2mix-read.js';

const eco2mix = useEco2mixReader('courant-eco2mix-parse-rows-');

const REQUIRED = [
  'date_heure',
  'consommation',
  'prevision_j1',
  'prevision_j',
  'fioul',
  'charbon',
  'gaz',
  'nucleaire',
  'eolien',
  'solaire',
  'hydraulique',
  'pompage',
  'bioenergies',
  'ech_physiques',
  'taux_co2',
];

/** A row of the REQUIRED columns: date_heure, then consommation, then 13 measures equal to `rest`. */
function row(instant: string, consommation: string, rest = '1'): string {
  return [instant, consommation, ...Array.from({ length: REQUIRED.length - 2 }, () => rest)].join(';');
}

function csv(lines: string[], eol = '\n'): string {
  return [REQUIRED.join(';'), ...lines].join(eol) + eol;
}

const options = { file: 'test.csv', source: 'realtime' } as const;

describe('parseEco2mixCsv on rows', () => {
  it('reads the same records with and without a BOM', async () => {
    const body = csv([row('2025-08-22T00:00:00+00:00', '34000')]);
    const withBom = await eco2mix.read(`\uFEFF${body}`, options);
    const withoutBom = await eco2mix.read(body, options);
    expect(withBom.records).toHaveLength(1);
    expect(withBom.records).toEqual(withoutBom.records);
  });

  it('strips a BOM given as bytes too', async () => {
    const bytes = new TextEncoder().encode(`\uFEFF${csv([row('2025-08-22T00:00:00Z', '34000')])}`);
    expect((await eco2mix.read(bytes, options)).records[0]?.consommation).toBe(34000);
  });

  it('reads CRLF and LF files alike', async () => {
    const lines = [row('2025-08-22T00:00:00Z', '34000'), row('2025-08-22T00:15:00Z', '34100')];
    expect((await eco2mix.read(csv(lines, '\r\n'), options)).records).toEqual(
      (await eco2mix.read(csv(lines), options)).records,
    );
  });

  it('reads ND, -, null and empty cells as null', async () => {
    const body = csv([
      row('2025-08-22T00:00:00Z', 'ND'),
      row('2025-08-22T00:15:00Z', '-'),
      row('2025-08-22T00:30:00Z', 'null'),
      row('2025-08-22T00:45:00Z', ''),
      row('2025-08-22T01:00:00Z', '33000', 'ND'),
    ]);
    const result = await eco2mix.read(body, options);
    expect(result.rejects).toEqual([]);
    expect(result.records.map((record) => record.consommation)).toEqual([null, null, null, null, 33000]);
    expect(result.records[4]).toMatchObject({ nucleaire: null, taux_co2: null });
  });

  it('reads decimals written with a point', async () => {
    const result = await eco2mix.read(csv([row('2025-08-22T00:00:00Z', '34000.5', '-12.25')]), options);
    expect(result.records[0]?.consommation).toBeCloseTo(34000.5, 9);
    expect(result.records[0]?.pompage).toBeCloseTo(-12.25, 9);
  });

  it('rejects a row with a non-number, naming line, column and value, and keeps the others', async () => {
    const body = csv([
      row('2025-08-22T00:00:00Z', '34000'),
      row('2025-08-22T00:15:00Z', '34,5'),
      row('2025-08-22T00:30:00Z', '34200'),
    ]);
    const result = await eco2mix.read(body, options);
    expect(result.rowsRead).toBe(3);
    expect(result.records.map((record) => record.consommation)).toEqual([34000, 34200]);
    expect(result.rejects).toEqual([
      { line: 3, column: 'consommation', value: '34,5', reason: 'consommation is not a number' },
    ]);
  });

  it('rejects a row whose date_heure does not parse or has no offset', async () => {
    const body = csv([
      row('2025-08-22T00:00:00Z', '34000'),
      row('22/08/2025 00:15', '34100'),
      row('2025-08-22T00:30:00', '34200'),
      row('2025-02-30T00:45:00Z', '34300'),
    ]);
    const result = await eco2mix.read(body, options);
    expect(result.records).toHaveLength(1);
    expect(result.rejects).toEqual([
      { line: 3, column: 'date_heure', value: '22/08/2025 00:15', reason: 'date_heure is not an ISO-8601 instant' },
      { line: 4, column: 'date_heure', value: '2025-08-22T00:30:00', reason: 'date_heure has no UTC offset' },
      {
        line: 5,
        column: 'date_heure',
        value: '2025-02-30T00:45:00Z',
        reason: 'date_heure is not a valid date and time',
      },
    ]);
  });

  it('rejects a row with the wrong number of fields instead of failing the file', async () => {
    const body = csv([
      row('2025-08-22T00:00:00Z', '34000'),
      '2025-08-22T00:15:00Z;34100',
      row('2025-08-22T00:30:00Z', '1'),
    ]);
    const result = await eco2mix.read(body, options);
    expect(result.records).toHaveLength(2);
    expect(result.rejects).toEqual([
      { line: 3, value: '2025-08-22T00:15:00Z;34100', reason: 'expected 15 fields like the header, found 2' },
    ]);
  });

  it('counts lines from the header as line 1, across blank lines and quoted multi-line fields', async () => {
    const header = ['nature', ...REQUIRED].join(';');
    const body = [
      header,
      `"two\r\nlines";${row('2025-08-22T00:00:00Z', '34000')}`,
      '',
      `plain;${row('2025-08-22T00:15:00Z', 'oops')}`,
    ].join('\r\n');
    const result = await eco2mix.read(body, options);
    expect(result.rowsRead).toBe(2);
    expect(result.records[0]?.nature).toBe('two\nlines');
    expect(result.rejects).toEqual([
      { line: 5, column: 'consommation', value: 'oops', reason: 'consommation is not a number' },
    ]);
  });

  it('keeps rows without consumption as records', async () => {
    const result = await eco2mix.read(csv([row('2025-08-22T00:15:00Z', '', '')]), options);
    expect(result.records).toHaveLength(1);
    expect(result.records[0]?.consommation).toBeNull();
  });

  it('keeps the later of two rows for the same instant and rejects the earlier as superseded', async () => {
    const body = csv([
      row('2025-08-22T00:00:00+00:00', '34000'),
      row('2025-08-22T00:15:00Z', '34100'),
      row('2025-08-22T02:00:00+02:00', '34999'),
    ]);
    const result = await eco2mix.read(body, options);
    expect(result.rowsRead).toBe(3);
    expect(result.records.map((record) => [record.instant, record.consommation])).toEqual([
      ['2025-08-22T00:15:00.000Z', 34100],
      ['2025-08-22T00:00:00.000Z', 34999],
    ]);
    expect(result.rejects).toEqual([
      {
        line: 2,
        column: 'date_heure',
        value: '2025-08-22T00:00:00+00:00',
        reason: 'duplicate instant 2025-08-22T00:00:00.000Z: superseded by line 4',
      },
    ]);
  });

  it('returns zero records for a header without data rows', async () => {
    const result = await eco2mix.read(`\uFEFF${REQUIRED.join(';')}\r\n`, options);
    expect(result).toMatchObject({ records: [], rejects: [], rowsRead: 0 });
  });

  it('ignores unknown columns wherever they are', async () => {
    const header = ['surprise', ...REQUIRED, 'ech_comm_mars'].join(';');
    const body = `${header}\nx;${row('2025-08-22T00:00:00Z', '34000')};42\n`;
    const result = await eco2mix.read(body, options);
    expect(result.rejects).toEqual([]);
    expect(result.records[0]).toMatchObject({ consommation: 34000, nucleaire: 1 });
  });

  it('reads a comma-delimited file when the header has no semicolon', async () => {
    const body = `${REQUIRED.join(',')}\n${row('2025-08-22T00:00:00Z', '34000').replaceAll(';', ',')}\n`;
    expect((await eco2mix.read(body, options)).records[0]?.consommation).toBe(34000);
  });

  it('reads the export of JSON records with their nulls as empty cells', async () => {
    const body = apiRecordsToExportCsv([
      {
        date_heure: '2025-08-22T00:15:00+00:00',
        nature: 'Données consolidées',
        consommation: null,
        prevision_j1: 34000,
      },
    ]);
    const result = await eco2mix.read(body, { file: 'x.csv', source: 'consolidated' });
    expect(result.records[0]).toMatchObject({
      instant: '2025-08-22T00:15:00.000Z',
      source: 'consolidated',
      nature: 'Données consolidées',
      consommation: null,
      prevision_j1: 34000,
      stockage_batterie: null,
    });
  });
});
