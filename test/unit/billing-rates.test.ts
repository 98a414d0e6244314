/**
 * The project's rates files: equal, row for row and figure for figure, to the rates as their
 * publisher writes them (test/fixtures/tariffs, its own header and line endings, with their
 * provenance), mapped column by column; and every rule of `src/billing/rates.ts` refusing a file
 * that breaks it, naming its row and column.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadRates, parseCtaRates, parseTurpeRates, RATES_FILES } from '../../src/billing/rates.js';
import { BadDataError } from '../../src/workflow-safe/errors.js';

const PUBLISHED = path.join('test', 'fixtures', 'tariffs');
const turpeText = readFileSync(RATES_FILES.turpe, 'utf8');
const ctaText = readFileSync(RATES_FILES.cta, 'utf8');
const rowsOf = (text: string): Array<Record<string, string>> =>
  z.array(z.record(z.string(), z.string())).parse(parse(text, { columns: true, skip_empty_lines: true }));

/** The publisher's column for each of the project's TURPE columns. */
const TURPE_COLUMNS = {
  fta: 'Formule_Tarifaire_Acheminement',
  valid_from: 'start',
  valid_to: 'end',
  management_eur_year: 'cg',
  metering_eur_year: 'cc',
  power_eur_kva_year: 'b',
  power_hph_eur_kva_year: 'b_hph',
  power_hch_eur_kva_year: 'b_hch',
  power_hpb_eur_kva_year: 'b_hpb',
  power_hcb_eur_kva_year: 'b_hcb',
  energy_hph_ceur_kwh: 'c_hph',
  energy_hch_ceur_kwh: 'c_hch',
  energy_hpb_ceur_kwh: 'c_hpb',
  energy_hcb_ceur_kwh: 'c_hcb',
  energy_hp_ceur_kwh: 'c_hp',
  energy_hc_ceur_kwh: 'c_hc',
  energy_base_ceur_kwh: 'c_base',
  overrun_eur_hour: 'cmdps',
  source: 'reference',
} as const;
const CTA_COLUMNS = { valid_from: 'start', rate_percent_of_fixed_turpe: 'taux_cta_pct', source: 'reference' } as const;

/** A figure as a decimal written without trailing zeros (`1.60` and `1.6` are one rate), text as it is. */
const figure = (text: string) =>
  /^\d+(\.\d+)?$/.test(text) ? text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') : text;

/** `rows` in the project's columns, each read from its `columns[ours]`, figures written alike. */
function mapped(rows: Array<Record<string, string>>, columns: Readonly<Record<string, string>>) {
  return rows
    .map((row) =>
      Object.fromEntries(
        Object.entries(columns).map(([ours, theirs]) => [ours, figure(row[theirs] ?? `(no ${theirs})`)]),
      ),
    )
    .sort((a, b) => `${a.fta}${a.valid_from}`.localeCompare(`${b.fta}${b.valid_from}`));
}

/** The project's own rows, in its columns (the keys of `columns`). */
const ours = (text: string, columns: Readonly<Record<string, string>>) =>
  mapped(rowsOf(text), Object.fromEntries(Object.keys(columns).map((c) => [c, c])));

const publishedTurpe = readFileSync(path.join(PUBLISHED, 'turpe_rules.csv'), 'utf8');
const publishedCta = readFileSync(path.join(PUBLISHED, 'cta_rules.csv'), 'utf8');

describe('the rates files', () => {
  it("are the published rates, figure for figure, mapped from the publisher's columns", () => {
    expect(Object.keys(rowsOf(publishedTurpe)[0] ?? {})).toEqual(Object.values(TURPE_COLUMNS));
    expect(Object.keys(rowsOf(publishedCta)[0] ?? {})).toEqual(Object.values(CTA_COLUMNS));
    expect(ours(turpeText, TURPE_COLUMNS)).toEqual(mapped(rowsOf(publishedTurpe), TURPE_COLUMNS));
    expect(ours(ctaText, CTA_COLUMNS)).toEqual(mapped(rowsOf(publishedCta), CTA_COLUMNS));
  });

  it('would catch a figure transcribed wrong (control: one power rate off by a cent)', () => {
    const wrong = turpeText.replace(
      'BTINFCUST,2026-08-01,,17.12,22.67,11.41',
      'BTINFCUST,2026-08-01,,17.12,22.67,11.42',
    );
    expect(wrong).not.toBe(turpeText);
    expect(ours(wrong, TURPE_COLUMNS)).not.toEqual(mapped(rowsOf(publishedTurpe), TURPE_COLUMNS));
  });

  it('load and pass every check, each FTA at one granularity', () => {
    const rates = loadRates();
    expect(rates.turpe).toHaveLength(49);
    expect(rates.cta.map((r) => r.valid_from)).toEqual(['2020-01-01', '2021-08-01', '2026-02-01']);
    const granularity = Object.fromEntries(rates.turpe.map((r) => [r.fta, r.granularity]));
    expect(granularity).toMatchObject({ BTINFCU4: 'four', BTINFMUDT: 'hphc', BTINFCUST: 'base', BTSUPCU: 'four' });
    expect(rates.turpe.every((r) => r.source.startsWith('Délibération CRE'))).toBe(true);
  });
});

/** The TURPE file with `line` (1 = header) passed through `edit`. */
function turpeWith(line: number, edit: (text: string) => string): string {
  return turpeText
    .split('\n')
    .map((text, i) => (i === line - 1 ? edit(text) : text))
    .join('\n');
}

/** Replaces the `column`-th field (0-based) of a CSV line whose fields before `source` hold no comma. */
const field = (column: number, value: string) => (text: string) => {
  const fields = text.split(',');
  fields[column] = value;
  return fields.join(',');
};

describe('a rates file breaking a rule is refused, naming its row and column', () => {
  // Line 2: BTINFCU4 2023-08-01..2024-11-01; line 38: BTSUPCU (C4) from 2025-08-01.
  it.each([
    [
      'a window overlapping the next one',
      2,
      field(2, '2024-12-01'),
      /line 11, column valid_from.*BTINFCU4: the window from 2024-11-01 overlaps/,
    ],
    ['a window ending before it starts', 2, field(2, '2023-07-01'), /line 2, column valid_to.*not after valid_from/],
    [
      'a rate change off the 1st of a month',
      2,
      field(1, '2023-08-15'),
      /line 2, column valid_from.*the 1st of a month/,
    ],
    ['a second energy granularity', 2, field(16, '4.37'), /line 2, column energy_\*_ceur_kwh.*four and base/],
    [
      'no energy rate at all',
      5,
      (text: string) => field(15, '0')(field(14, '0')(text)),
      /line 5.*BTINFMUDT: non-zero energy rates at no granularity/,
    ],
    ['a negative amount', 2, field(3, '-15.48'), /line 2, column management_eur_year.*a decimal ≥ 0/],
    ['(control) an amount written without decimals', 2, field(4, '19'), null],
    [
      'C4 power rates rising from HPH to HCB',
      38,
      field(7, '18'),
      /line 38, column power_hch_eur_kva_year.*b1 ≥ b2 ≥ b3 ≥ b4/,
    ],
    [
      'a C4 row missing a per-class power rate',
      38,
      field(8, ''),
      /line 38, column power_hpb_eur_kva_year.*four per-class powers/,
    ],
    ['one power rate and per-class ones', 2, field(6, '9'), /line 2, column power_hph_eur_kva_year.*one power rate/],
  ])('%s', (_case, line, edit, message) => {
    const text = turpeWith(line, edit);
    if (message === null) {
      // A control: an edit that keeps the file valid is taken.
      expect(parseTurpeRates(text, 'turpe.csv')).toHaveLength(49);
      return;
    }
    const error = (() => {
      try {
        parseTurpeRates(text, 'turpe.csv');
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(BadDataError);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses CTA dates that do not rise', () => {
    const text = ctaText.replace('2026-02-01', '2021-08-01');
    expect(() => parseCtaRates(text, 'cta.csv')).toThrow(/line 4, column valid_from.*must rise/);
  });

  it('refuses an empty file, or a header and no rate, naming the file', () => {
    expect(() => parseTurpeRates('', 'turpe.csv')).toThrow(/turpe\.csv.*line 1.*the file is empty: no rate/);
    const header = `${turpeText.split('\n')[0] ?? ''}\n`;
    expect(() => parseTurpeRates(header, 'turpe.csv')).toThrow(/turpe\.csv.*line 1.*a header and no rate/);
    expect(() => parseCtaRates('valid_from,rate_percent_of_fixed_turpe,source\r\n', 'cta.csv')).toThrow(
      /cta\.csv.*a header and no rate/,
    );
  });

  it('refuses a CTA rate above 100 %', () => {
    expect(() => parseCtaRates(ctaText.replace('21.93', '121.93'), 'cta.csv')).toThrow(/line 3.*at most 100/);
  });
});
