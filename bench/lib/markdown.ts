/** Markdown tables and number formats for RESULTS.md, and its sections. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR } from './child.js';

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

/** Puts `section` (starting with the line `heading`) in the results file, in place of its previous version or at the end. */
export async function writeSection(file: string, heading: string, section: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const text = await readFile(file, 'utf8').catch(() => '');
  const body = section.trimEnd();
  const start = text.indexOf(`${heading}\n`);
  if (start < 0) {
    await writeFile(file, `${text.trimEnd()}\n\n${body}\n`);
    return;
  }
  const next = text.indexOf('\n## ', start + heading.length);
  // One blank line between sections, one line end at the file's end, however the section ends.
  await writeFile(file, `${text.slice(0, start)}${body}\n${next < 0 ? '' : `\n${text.slice(next + 1)}`}`);
}

/**
 * Puts every `## ` section of `markdown` in the results file in place of its previous version, and
 * its text before the first section at the file's top: the sections other benches wrote are kept.
 */
export async function writeSections(file: string, markdown: string): Promise<void> {
  const [preamble = '', ...sections] = markdown.split(/\n(?=## )/);
  await mkdir(path.dirname(file), { recursive: true });
  const text = await readFile(file, 'utf8').catch(() => '');
  const first = text.search(/^## /m);
  await writeFile(file, `${preamble.trimEnd()}\n\n${first < 0 ? '' : text.slice(first)}`);
  for (const section of sections) {
    await writeSection(file, section.slice(0, section.indexOf('\n')), `${section.trimEnd()}\n\n`);
  }
}

/** The table at the top of RESULTS.md: one row per measured thing, its last figure and its goal. */
export const TODAY_HEADING = '## Today';
export const TODAY_HEADER = ['Metric', 'Today', 'Goal', 'Verdict', 'Measured by', 'Date'] as const;

export interface TodayRow {
  readonly metric: string;
  readonly today: string;
  readonly goal: string;
  readonly verdict: string;
  readonly command: string;
  readonly date: string;
}

/** The cells of a Markdown table row, `\|` kept inside its cell. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/**
 * Puts `rows` in the table of the "Today" section, each in place of the row of the same metric or
 * after the others; the other rows and the section's text are kept. Without that section, one is
 * made before the file's first `## ` section.
 */
export async function writeTodayRows(file: string, rows: readonly TodayRow[]): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const text = await readFile(file, 'utf8').catch(() => '');
  const start = text.indexOf(`${TODAY_HEADING}\n`);
  const end = start < 0 ? -1 : text.indexOf('\n## ', start + TODAY_HEADING.length);
  const section = start < 0 ? `${TODAY_HEADING}\n` : text.slice(start, end < 0 ? text.length : end + 1);
  const lines = section.trimEnd().split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  let tableEnd = first < 0 ? lines.length : first;
  while (tableEnd < lines.length && lines[tableEnd]?.startsWith('|')) tableEnd += 1;
  const kept: string[][] = first < 0 ? [] : lines.slice(first + 2, tableEnd).map(cells);
  for (const row of rows) {
    const next = [row.metric, row.today, row.goal, row.verdict, row.command, row.date].map((cell) =>
      cell.replace(/(?<!\\)\|/g, '\\|'),
    );
    const at = kept.findIndex((old) => old[0] === next[0]);
    if (at < 0) kept.push(next);
    else kept[at] = next;
  }
  const rendered = table(TODAY_HEADER, kept);
  const body = first < 0 ? [...lines, '', rendered] : [...lines.slice(0, first), rendered, ...lines.slice(tableEnd)];
  const newSection = `${body.join('\n').trimEnd()}\n`;
  if (start >= 0) {
    await writeFile(file, `${text.slice(0, start)}${newSection}${end < 0 ? '' : `\n${text.slice(end + 1)}`}`);
    return;
  }
  const firstSection = text.search(/^## /m);
  await writeFile(
    file,
    firstSection < 0
      ? `${text.trimEnd()}${text.trim() === '' ? '' : '\n\n'}${newSection}`
      : `${text.slice(0, firstSection)}${newSection}\n${text.slice(firstSection)}`,
  );
}

/**
 * The options of a bench that writes one section: `--smoke` (a small input, results to a temp
 * file), `--runs N` (`runs` by default, 1 with --smoke), `--out FILE` (bench/RESULTS.md by default)
 * and the bench's own boolean `flags`, those given returned in `flags`.
 */
export function sectionBenchOptions(
  runs: number,
  flags: readonly string[] = [],
): { smoke: boolean; runs: number; out: string; flags: ReadonlySet<string> } {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      runs: { type: 'string' },
      out: { type: 'string' },
      ...Object.fromEntries(flags.map((flag) => [flag, { type: 'boolean' as const }])),
    },
  });
  const smoke = values.smoke === true;
  return {
    smoke,
    runs: Number(values.runs ?? (smoke ? 1 : runs)),
    out: path.resolve(
      typeof values.out === 'string'
        ? values.out
        : smoke
          ? path.join(os.tmpdir(), 'courant-bench-smoke', 'RESULTS.md')
          : path.join(BENCH_DIR, 'RESULTS.md'),
    ),
    flags: new Set(flags.filter((flag) => (values as Record<string, unknown>)[flag] === true)),
  };
}
