/** Rows as the CLI prints them: an aligned text table, or CSV with a header (RFC 4180 quoting). */

import { csvCell } from '../reports/csv-cell.js';

type Cell = string | number | null;

const text = (cell: Cell) => (cell === null ? '' : String(cell));

/** Columns padded to their widest cell, a header line first. */
export function textTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => text(r[i] ?? null).length)));
  const line = (cells: readonly Cell[]) =>
    cells
      .map((c, i) => text(c).padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** A decimal number written as text (`-7.35`): a number to a spreadsheet, never a formula. */
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * CSV: a header line, then each row's cells as the reports' CSVs write them (`csvCell`): a text a
 * spreadsheet would take for a formula (a contract reference or an FTA from a C15 starting with
 * `=`, `+`, `-` or `@`) behind a single quote, numbers and decimals written as text as they are;
 * quoted when it holds a comma, a quote or a line break.
 */
export function csvText(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const field = (cell: Cell) => (typeof cell === 'string' && DECIMAL_TEXT.test(cell) ? cell : csvCell(cell));
  return `${[header, ...rows].map((r) => r.map(field).join(',')).join('\n')}\n`;
}
