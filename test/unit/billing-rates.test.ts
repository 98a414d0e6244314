/**
 * The project's rates files: equal row for row to the published ones (test/fixtures/tariffs, with
 * their provenance), and every rule of `src/billing/rates.ts` refusing a file that breaks it,
 * naming its row and column.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { loadRates, parseCtaRates, parseTurpeRates, RATES_FILES } from '../../src/billing/rates.js';
import { BadDataError } from '../../src/workflow-safe/errors.js';

const PUBLISHED = path.join('test', 'fixtures', 'tariffs');
const turpeText = readFileSync(RATES_FILES.turpe, 'utf8');
const ctaText = readFileSync(RATES_FILES.cta, 'utf8');
const rowsOf = (text: string): unknown => parse(text, { columns: true, skip_empty_lines: true });

describe('the rates files', () => {
  it('are the published rates, row for row', () => {
    expect(rowsOf(turpeText)).toEqual(rowsOf(readFileSync(path.join(PUBLISHED, 'turpe-hta-bt.csv'), 'utf8')));
    expect(rowsOf(ctaText)).toEqual(rowsOf(readFileSync(path.join(PUBLISHED, 'cta.csv'), 'utf8')));
  });

  it('load and pass every check, each FTA at one granularity', () => {
    const rates = loadRates();
    expect(rates.turpe).toHaveLength(38);
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
      expect(parseTurpeRates(text, 'turpe.csv')).toHaveLength(38);
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

  it('refuses a CTA rate above 100 %', () => {
    expect(() => parseCtaRates(ctaText.replace('21.93', '121.93'), 'cta.csv')).toThrow(/line 3.*at most 100/);
  });
});
