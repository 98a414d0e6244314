/** Rows as the CLI prints them: an aligned text table, or CSV with a header (RFC 4180 quoting). */

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

/** CSV: a header line, each field quoted when it holds a comma, a quote or a line break. */
export function csvText(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const field = (cell: Cell) => {
    const value = text(cell);
    return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  };
  return `${[header, ...rows].map((r) => r.map(field).join(',')).join('\n')}\n`;
}
