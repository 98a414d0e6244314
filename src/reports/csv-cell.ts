/**
 * One cell of the CSVs courant writes (daily, monthly and annual reports): a number as it is,
 * negative ones included; text that a spreadsheet would take for a formula (its first character
 * one of `= + - @`, a tab or a carriage return) behind a single quote, as OWASP recommends against
 * CSV injection, since a source's text reaches these files; then quoted when it holds a comma, a
 * quote or a line break. The JSON beside each CSV keeps every value exact.
 */
import { FORMULA_START } from '../duckdb/csv-text.js';

export function csvCell(value: number | string | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
