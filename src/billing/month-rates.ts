/**
 * The rates a month is priced with, as one hash: the TURPE rows and the CTA rate in force on its
 * first day (rates change on the 1st of a month only, so these price all of it), their figures
 * only — a row's `source` text or the end of its window set by a later deliberation moves nothing.
 * Recorded with each billing of the month: a month whose hash differs from the rates of now was
 * priced with other rates and is billed again (docs/billing.md, "Corrections").
 */
import { createHash } from 'node:crypto';
import type { Rates } from './rates.js';

/** A rate row's columns that price nothing. */
const NOT_PRICES = new Set(['valid_from', 'valid_to', 'source', 'granularity']);

export function monthRatesSha256(rates: Rates, month: string): string {
  const first = `${month}-01`;
  const turpe = rates.turpe
    .filter((r) => r.valid_from <= first && (r.valid_to === null || first < r.valid_to))
    .map((row) => Object.entries(row).filter(([column]) => !NOT_PRICES.has(column)))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const cta = rates.cta.filter((r) => r.valid_from <= first).at(-1)?.rate_percent_of_fixed_turpe ?? null;
  return createHash('sha256').update(JSON.stringify({ turpe, cta })).digest('hex');
}
