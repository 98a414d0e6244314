/**
 * The network tariff (TURPE HTA-BT) and the CTA as data: `rates/turpe.csv` and `rates/cta.csv`,
 * transcribed row for row from the CRE deliberations each row names in its `source`, loaded and
 * checked once when billing starts. A file that breaks a rule is refused naming its file, row
 * (line) and column:
 *
 * - every amount is a decimal ≥ 0 written with a dot, kept as text so that DuckDB reads it as an
 *   exact DECIMAL (never a float);
 * - a window is `[valid_from, valid_to)` (empty `valid_to`: in force), each bound the 1st of a
 *   month (rates change on the 1st, so a billing period, cut at every month start, has one rate);
 *   the windows of one FTA never overlap, and only its last one may be open;
 * - each FTA row has non-zero energy rates at exactly one granularity: the four classes (HPH, HCH,
 *   HPB, HCB), HP/HC, or base;
 * - the power component is either one €/kVA/year (≤ 36 kVA, C5) or four per-class coefficients
 *   (> 36 kVA, C4) non-increasing b1 ≥ b2 ≥ b3 ≥ b4 (HPH, HCH, HPB, HCB): with the subscribed
 *   powers ordered P1 ≤ P2 ≤ P3 ≤ P4, every step of `b1·P1 + Σ bi·(Pi − Pi−1)` is then ≥ 0;
 * - the CTA's `valid_from` dates are 1sts of months, strictly rising, its rate a percentage.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { BadDataError } from '../workflow-safe/errors.js';

/** The project's rates files. */
export const RATES_FILES = {
  turpe: fileURLToPath(new URL('./rates/turpe.csv', import.meta.url)),
  cta: fileURLToPath(new URL('./rates/cta.csv', import.meta.url)),
} as const;

const DECIMAL = /^\d{1,9}(\.\d{1,6})?$/;
const FIRST_OF_MONTH = /^\d{4}-(0[1-9]|1[0-2])-01$/;

const amount = z.string().regex(DECIMAL, 'a decimal ≥ 0 written with a dot');
const optionalAmount = z.union([z.literal(''), amount]).transform((v) => (v === '' ? null : v));
const month1st = z.string().regex(FIRST_OF_MONTH, 'the 1st of a month, YYYY-MM-01');

const turpeRowSchema = z.object({
  fta: z.string().regex(/^[A-Z0-9]{2,32}$/, 'an FTA as C15 writes it (capitals and digits)'),
  valid_from: month1st,
  valid_to: z.union([z.literal(''), month1st]).transform((v) => (v === '' ? null : v)),
  management_eur_year: amount,
  metering_eur_year: amount,
  power_eur_kva_year: optionalAmount,
  power_hph_eur_kva_year: optionalAmount,
  power_hch_eur_kva_year: optionalAmount,
  power_hpb_eur_kva_year: optionalAmount,
  power_hcb_eur_kva_year: optionalAmount,
  energy_hph_ceur_kwh: amount,
  energy_hch_ceur_kwh: amount,
  energy_hpb_ceur_kwh: amount,
  energy_hcb_ceur_kwh: amount,
  energy_hp_ceur_kwh: amount,
  energy_hc_ceur_kwh: amount,
  energy_base_ceur_kwh: amount,
  overrun_eur_hour: optionalAmount,
  source: z.string().min(10, 'the CRE deliberation the row comes from'),
});

const ctaRowSchema = z.object({
  valid_from: month1st,
  rate_percent_of_fixed_turpe: amount.refine((v) => Number(v) <= 100, 'a percentage, at most 100'),
  source: z.string().min(10, 'the text the rate comes from'),
});

export type TurpeRate = z.infer<typeof turpeRowSchema> & {
  /** Which energy rates are non-zero: the four classes, HP/HC, or base. */
  readonly granularity: Granularity;
};
export type CtaRate = z.infer<typeof ctaRowSchema>;
export type Granularity = 'four' | 'hphc' | 'base';

export interface Rates {
  readonly turpe: readonly TurpeRate[];
  readonly cta: readonly CtaRate[];
}

const GRANULARITIES: Readonly<Record<Granularity, readonly (keyof z.infer<typeof turpeRowSchema>)[]>> = {
  four: ['energy_hph_ceur_kwh', 'energy_hch_ceur_kwh', 'energy_hpb_ceur_kwh', 'energy_hcb_ceur_kwh'],
  hphc: ['energy_hp_ceur_kwh', 'energy_hc_ceur_kwh'],
  base: ['energy_base_ceur_kwh'],
};
const C4_POWERS = [
  'power_hph_eur_kva_year',
  'power_hch_eur_kva_year',
  'power_hpb_eur_kva_year',
  'power_hcb_eur_kva_year',
] as const;

const csvRecordsSchema = z.array(
  z.object({ record: z.record(z.string(), z.string()), info: z.object({ lines: z.number().int() }) }),
);

/** The rows of a CSV with a header, each with its line (the header is line 1). */
function csvRows(text: string, file: string): Array<{ line: number; row: Record<string, string> }> {
  try {
    const rows = csvRecordsSchema.parse(parse(text, { columns: true, skip_empty_lines: true, info: true }));
    if (rows.length > 0) return rows.map(({ record, info }) => ({ line: info.lines, row: record }));
  } catch (cause) {
    throw new BadDataError({ file }, 'not a CSV with a header', { cause });
  }
  throw new BadDataError({ file, line: 1 }, text.trim() === '' ? 'the file is empty: no rate' : 'a header and no rate');
}

function parseRow<T extends z.ZodType>(schema: T, row: Record<string, string>, file: string, line: number): z.infer<T> {
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const column = String(issue?.path[0] ?? '');
  throw new BadDataError(
    { file, line, ...(column === '' ? {} : { column }) },
    `${issue?.message ?? 'invalid'} (got ${JSON.stringify(row[column] ?? null)})`,
  );
}

function granularityOf(rate: z.infer<typeof turpeRowSchema>, file: string, line: number): Granularity {
  const nonZero = (Object.keys(GRANULARITIES) as Granularity[]).filter((g) =>
    GRANULARITIES[g].some((column) => Number(rate[column]) !== 0),
  );
  if (nonZero.length !== 1)
    throw new BadDataError(
      { file, line, column: 'energy_*_ceur_kwh' },
      `${rate.fta}: non-zero energy rates at ${nonZero.length === 0 ? 'no granularity' : nonZero.join(' and ')}, expected exactly one (four classes, HP/HC or base)`,
    );
  const [granularity] = nonZero as [Granularity];
  return granularity;
}

function checkPowers(rate: z.infer<typeof turpeRowSchema>, file: string, line: number): void {
  const c4 = C4_POWERS.map((column) => rate[column]);
  if (rate.power_eur_kva_year !== null) {
    const set = C4_POWERS.find((column) => rate[column] !== null);
    if (set !== undefined)
      throw new BadDataError({ file, line, column: set }, `${rate.fta}: one power rate (≤ 36 kVA) and per-class ones`);
    return;
  }
  const missing = C4_POWERS.find((column) => rate[column] === null);
  if (missing !== undefined)
    throw new BadDataError(
      { file, line, column: missing },
      `${rate.fta}: no power_eur_kva_year, so the four per-class powers (> 36 kVA) are needed`,
    );
  for (let i = 1; i < c4.length; i += 1)
    if (Number(c4[i]) > Number(c4[i - 1]))
      throw new BadDataError(
        { file, line, column: C4_POWERS[i] ?? '' },
        `${rate.fta}: the per-class power rates must not rise from HPH to HCB (b1 ≥ b2 ≥ b3 ≥ b4), ${c4[i]} > ${c4[i - 1]}`,
      );
}

function checkWindows(rates: ReadonlyArray<{ rate: TurpeRate; line: number }>, file: string): void {
  const byFta = new Map<string, Array<{ rate: TurpeRate; line: number }>>();
  for (const entry of rates) byFta.set(entry.rate.fta, [...(byFta.get(entry.rate.fta) ?? []), entry]);
  for (const [fta, windows] of byFta) {
    const ordered = [...windows].sort((a, b) => a.rate.valid_from.localeCompare(b.rate.valid_from));
    for (const { rate, line } of ordered)
      if (rate.valid_to !== null && rate.valid_to <= rate.valid_from)
        throw new BadDataError({ file, line, column: 'valid_to' }, `${fta}: valid_to is not after valid_from`);
    for (let i = 1; i < ordered.length; i += 1) {
      const before = ordered[i - 1];
      const next = ordered[i];
      if (before && next && (before.rate.valid_to === null || before.rate.valid_to > next.rate.valid_from))
        throw new BadDataError(
          { file, line: next.line, column: 'valid_from' },
          `${fta}: the window from ${next.rate.valid_from} overlaps the one from ${before.rate.valid_from} (line ${before.line})`,
        );
    }
  }
}

/** The TURPE rates of the CSV text `text` (named `file` in errors), checked (see the module's doc). */
export function parseTurpeRates(text: string, file: string): TurpeRate[] {
  const rates = csvRows(text, file).map(({ line, row }) => {
    const rate = parseRow(turpeRowSchema, row, file, line);
    checkPowers(rate, file, line);
    return { line, rate: { ...rate, granularity: granularityOf(rate, file, line) } };
  });
  checkWindows(rates, file);
  return rates.map(({ rate }) => rate);
}

/** The CTA rates of the CSV text `text` (named `file` in errors), checked (see the module's doc). */
export function parseCtaRates(text: string, file: string): CtaRate[] {
  const rates = csvRows(text, file).map(({ line, row }) => ({ line, rate: parseRow(ctaRowSchema, row, file, line) }));
  for (let i = 1; i < rates.length; i += 1) {
    const before = rates[i - 1];
    const next = rates[i];
    if (before && next && next.rate.valid_from <= before.rate.valid_from)
      throw new BadDataError(
        { file, line: next.line, column: 'valid_from' },
        `the CTA's valid_from dates must rise: ${next.rate.valid_from} after ${before.rate.valid_from}`,
      );
  }
  return rates.map(({ rate }) => rate);
}

/** The project's rates, read and checked (a fault is a BadDataError naming file, line and column). */
export function loadRates(files: { readonly turpe: string; readonly cta: string } = RATES_FILES): Rates {
  return {
    turpe: parseTurpeRates(readFileSync(files.turpe, 'utf8'), files.turpe),
    cta: parseCtaRates(readFileSync(files.cta, 'utf8'), files.cta),
  };
}
