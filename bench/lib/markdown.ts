/** Markdown tables and number formats for RESULTS.md, and the writing of one of its sections. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Replaces the section `heading` (`## …`) of `file` with `section` (or appends it), leaving every other section as it is. */
export async function writeResultsSection(file: string, heading: string, section: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const text = await readFile(file, 'utf8').catch(() => '');
  const start = text.indexOf(`${heading}\n`);
  if (start < 0) {
    await writeFile(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + heading.length);
  await writeFile(file, `${text.slice(0, start)}${section}${next < 0 ? '' : text.slice(next + 1)}`);
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** 3 significant digits, with thin grouping for large numbers: 1.23, 45.6, 789, 12 300. */
export function num(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  const fixed = value.toFixed(decimals);
  const [whole = '', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** A count, grouped by thousands: 10 000 000. */
export function int(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

export function mb(bytes: number): string {
  return num(bytes / 1e6);
}

export function seconds(value: number): string {
  return value < 1 ? `${num(value * 1000)} ms` : `${num(value)} s`;
}

export function ratio(value: number): string {
  return `${num(value)}×`;
}
