/** Reading single cells of RTE files: measures, with their spellings of "missing". */

export type CellReading<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Spellings of a missing value, compared trimmed and case-insensitively. */
const MISSING_TOKENS: ReadonlySet<string> = new Set(['', 'nd', '-', 'null']);
const NUMBER_PATTERN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** True for the cell values that mean "no value": empty, `ND`, `-`, `null`. */
function isMissingValue(raw: string): boolean {
  return MISSING_TOKENS.has(raw.trim().toLowerCase());
}

/** A measure: null when missing, a finite number written with `.` as decimal point, else an error. */
export function readMeasure(raw: string): CellReading<number | null> {
  if (isMissingValue(raw)) return { ok: true, value: null };
  const text = raw.trim();
  if (!NUMBER_PATTERN.test(text)) return { ok: false, reason: 'not a number' };
  const value = Number(text);
  if (!Number.isFinite(value)) return { ok: false, reason: 'number out of range' };
  return { ok: true, value };
}
