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
