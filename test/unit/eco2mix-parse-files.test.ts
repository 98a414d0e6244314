import { describe, expect, it } from 'vitest';
import { canonicalColumn, normaliseHeaderLabel } from '../../src/datasets/eco2mix/columns.js';
import { assertEco2mixCsv } from '../../src/datasets/eco2mix/export-file.js';
import { ECO2MIX_FIXTURE_FILES, readEco2mixFixture } from '../support/eco2mix-fixtures.js';
import { badDataFrom, badDataFromAsync } from '../support/bad-data.js';
import { useEco2mixReader } from '../support/eco2mix-read.js';

const eco2mix = useEco2mixReader('courant-eco2mix-parse-files-');

const FILE = 'raw/eco2mix/dt=2025-08-22/realtime.csv';
const options = { file: FILE, source: 'realtime' } as const;

const LABEL_HEADER_2021 = readEco2mixFixture(ECO2MIX_FIXTURE_FILES.labels2021).split('\r\n', 1)[0] ?? '';
const MACHINE_HEADER =
  'date_heure;consommation;prevision_j1;prevision_j;fioul;charbon;gaz;nucleaire;eolien;solaire;hydraulique;pompage;bioenergies;ech_physiques;taux_co2';

/** The BadDataError thrown by `run`, or a failure when nothing or something else is thrown. */
describe('bodies that are not an eCO2mix CSV', () => {
  const cases: Array<[string, string | Uint8Array, RegExp]> = [
    ['an HTML page', '<!DOCTYPE html><html><body>Maintenance</body></html>', /found an HTML page/],
    ['an HTML page after a BOM and blank lines', '\uFEFF\r\n  <html lang="fr">', /found an HTML page/],
    ['an empty body', '', /found an empty body/],
    ['a body of whitespace and a BOM', '\uFEFF \r\n', /found an empty body/],
    ['a JSON error', '{"error_code":"ODSQLError","message":"bad"}', /found JSON/],
    ['a text that is not a header', 'Service unavailable, retry later', /found "Service unavailable, retry later"/],
  ];

  for (const [what, body, found] of cases) {
    it(`refuses ${what} on line 1, saying what was found`, async () => {
      const error = await badDataFromAsync(() => eco2mix.read(body, options));
      expect(error.location).toMatchObject({ file: FILE, line: 1 });
      expect(error.message).toMatch(/expected a CSV header with date_heure/);
      expect(error.message).toMatch(found);
      expect(error.message.startsWith(`${FILE}, line 1`)).toBe(true);
      expect(badDataFrom(() => assertEco2mixCsv(body, FILE)).message).toBe(error.message);
    });
  }

  it('refuses a header without a required column, naming it', async () => {
    const header = MACHINE_HEADER.replace(';taux_co2', '');
    const error = await badDataFromAsync(() => eco2mix.read(`${header}\n`, options));
    expect(error.location).toEqual({ file: FILE, line: 1, column: 'taux_co2' });
    expect(error.message).toMatch(/lacks required column taux_co2/);
  });

  it('names the first missing column and lists them all', () => {
    const header = MACHINE_HEADER.replace('consommation;', '').replace(';nucleaire', '');
    const error = badDataFrom(() => assertEco2mixCsv(`${header}\n`, FILE));
    expect(error.location.column).toBe('consommation');
    expect(error.message).toMatch(/lacks required columns consommation, nucleaire/);
  });

  it('refuses a header naming a column twice under two spellings', async () => {
    const error = await badDataFromAsync(() => eco2mix.read(`${MACHINE_HEADER};Date et Heure\n`, options));
    expect(error.location).toEqual({ file: FILE, line: 1, column: 'date_heure' });
  });

  it('refuses bytes that are not UTF-8, naming the line', async () => {
    const latin1 = Uint8Array.from([...new TextEncoder().encode(`${MACHINE_HEADER}\n`), 0x50, 0xe9, 0x72, 0x0a]);
    const error = await badDataFromAsync(() => eco2mix.read(latin1, options));
    expect(error.location).toEqual({ file: FILE, line: 2 });
    expect(error.message).toMatch(/not UTF-8/);
  });

  it('refuses a file whose quoting is broken, naming the line', async () => {
    const body = `${MACHINE_HEADER}\n"2025-08-22T00:00:00Z;1;1;1;1;1;1;1;1;1;1;1;1;1;1\n`;
    const error = await badDataFromAsync(() => eco2mix.read(body, options));
    expect(error.location).toEqual({ file: FILE, line: 2 });
    expect(error.message).toMatch(/malformed/);
  });
});

describe('assertEco2mixCsv', () => {
  it('accepts an API export header, with or without BOM, with or without rows', () => {
    expect(() => assertEco2mixCsv(`\uFEFF${MACHINE_HEADER}\r\n`, FILE)).not.toThrow();
    expect(() => assertEco2mixCsv(new TextEncoder().encode(`${MACHINE_HEADER}\nnot;checked\n`), FILE)).not.toThrow();
  });

  it('accepts the 2021 label header and the consolidated label header', () => {
    expect(() => assertEco2mixCsv(readEco2mixFixture(ECO2MIX_FIXTURE_FILES.labels2021), FILE)).not.toThrow();
    expect(() => assertEco2mixCsv(readEco2mixFixture(ECO2MIX_FIXTURE_FILES.consDef2024), FILE)).not.toThrow();
  });

  it('looks only at the start of a large body, leaving the rest to the parser', async () => {
    const start = new TextEncoder().encode(`${MACHINE_HEADER}\n${'x'.repeat(200_000)}`);
    const large = Uint8Array.from([...start, 0xff, 0x0a]);
    expect(() => assertEco2mixCsv(large, FILE)).not.toThrow();
    expect((await badDataFromAsync(() => eco2mix.read(large, options))).message).toMatch(/not UTF-8/);
  });
});

describe('header labels', () => {
  it('map the 2021 label header to every required column', () => {
    const columns = LABEL_HEADER_2021.split(';').map(canonicalColumn);
    expect(columns).toEqual(
      expect.arrayContaining([
        'nature',
        'date_heure',
        'consommation',
        'prevision_j1',
        'prevision_j',
        'nucleaire',
        'bioenergies',
        'ech_physiques',
        'taux_co2',
      ]),
    );
  });

  it.each([
    ['Date - Heure', 'date_heure'],
    ['Date et Heure', 'date_heure'],
    ['Prévision J-1 (MW)', 'prevision_j1'],
    ['Taux de CO2 (g/kWh)', 'taux_co2'],
    ['Taux de Co2', 'taux_co2'],
    ['Ech. physiques (MW)', 'ech_physiques'],
    [' Stockage batterie', 'stockage_batterie'],
    ['Déstockage batterie (MW)', 'destockage_batterie'],
    ['Eolien offshore (MW)', 'eolien_offshore'],
    ['eolien_terrestre', 'eolien_terrestre'],
    ['Ech. comm. Espagne (MW)', null],
    ['Date', null],
  ])('"%s" stands for %s', (label, column) => {
    expect(canonicalColumn(label)).toBe(column);
  });

  it('normalises accents, units and punctuation', () => {
    expect(normaliseHeaderLabel("Hydraulique - Fil de l'eau + éclusée (MW)")).toBe('hydraulique_fil_de_l_eau_eclusee');
  });

  it('let a label export parse like the API export of the same row', async () => {
    const label = `Date et Heure;Consommation (MW);Prévision J-1 (MW);Prévision J (MW);Fioul (MW);Charbon (MW);Gaz (MW);Nucléaire (MW);Eolien (MW);Solaire (MW);Hydraulique (MW);Pompage (MW);Bioénergies (MW);Ech. physiques (MW);Taux de CO2 (g/kWh)`;
    const values = '2024-01-01T02:00:00+01:00;52770;52300;52000;96;17;2001;37093;14988;0;6186;-1716;1221;-7009;21';
    const fromLabels = await eco2mix.read(`${label}\n${values}\n`, options);
    const fromApi = await eco2mix.read(`${MACHINE_HEADER}\n${values}\n`, options);
    expect(fromLabels.records).toHaveLength(1);
    expect(fromLabels.records).toEqual(fromApi.records);
  });
});
