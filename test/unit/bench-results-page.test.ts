import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TODAY_HEADER, TODAY_HEADING, writeSection, writeSections, writeTodayRows } from '../../bench/lib/markdown.js';

const RESULTS = path.resolve('bench/RESULTS.md');

/** The rows of the Today table, as cells. */
function todayTable(text: string): string[][] {
  const start = text.indexOf(`${TODAY_HEADING}\n`);
  const end = text.indexOf('\n## ', start + 1);
  return text
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

const row = (metric: string, today: string) => ({
  metric,
  today,
  goal: '≤ 1 s',
  verdict: 'met',
  command: '`npm run bench`',
  date: '2026-12-01',
});

describe('bench/RESULTS.md', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'courant-results-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens with the Today table, one row per metric, and links its history', async () => {
    const text = await readFile(RESULTS, 'utf8');
    expect(text.search(/^## /m)).toBe(text.indexOf(`${TODAY_HEADING}\n`));
    const [header, , ...rows] = todayTable(text);
    expect(header).toEqual([...TODAY_HEADER]);
    expect(rows.length).toBeGreaterThan(10);
    expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length);
    for (const r of rows) expect(r[5]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(text.match(/\(history\/\)/g)).toHaveLength(1);
  });

  it('keeps the Today table and the other sections when npm run bench writes its own', async () => {
    const file = path.join(dir, 'RESULTS.md');
    await copyFile(RESULTS, file);
    const before = await readFile(file, 'utf8');
    const metric = todayTable(before)[2]?.[0] ?? '';
    await writeSections(
      file,
      '# Benchmark results\n\nNew top.\n\n## Machine\n\nnew machine\n\n## Transform\n\nnew transform\n',
    );
    await writeTodayRows(file, [row(metric, 'replaced'), row('A new metric', 'added')]);
    await writeSection(file, '## Command start', '## Command start\n\nnew start\n');
    const after = await readFile(file, 'utf8');
    expect(after.startsWith('# Benchmark results\n\nNew top.\n\n## Today\n')).toBe(true);
    const rows = todayTable(after).slice(2);
    expect(rows).toHaveLength(todayTable(before).length - 2 + 1);
    expect(rows.find((r) => r[0] === metric)?.[1]).toBe('replaced');
    expect(rows.at(-1)?.[0]).toBe('A new metric');
    expect(after).toContain('## Machine\n\nnew machine\n\n## ');
    expect(after).toContain('## Transform\n\nnew transform\n\n## ');
    expect(after).toContain('## Command start\n\nnew start\n');
    expect(after).toContain('## The cost of a day\n');
    expect(after).toContain('## Billing a month: courant and electricore\n');
  });

  it('makes the Today table before the first section of a new file', async () => {
    const file = path.join(dir, 'RESULTS.md');
    await writeFile(file, '# Benchmark results\n\nTop.\n\n## Machine\n\nm\n');
    await writeTodayRows(file, [row('One | piped metric', '1 s')]);
    const text = await readFile(file, 'utf8');
    expect(text.startsWith('# Benchmark results\n\nTop.\n\n## Today\n\n| Metric')).toBe(true);
    expect(text).toContain('One \\| piped metric');
    expect(text).toContain('\n\n## Machine\n\nm\n');
    await writeTodayRows(file, [row('One | piped metric', '2 s')]);
    const rows = todayTable(await readFile(file, 'utf8')).slice(2);
    expect(rows).toEqual([['One \\| piped metric', '2 s', '≤ 1 s', 'met', '`npm run bench`', '2026-12-01']]);
  });
});
