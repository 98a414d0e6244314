/**
 * The documentation inside the repository holds together: the README stays short, starts with the
 * two commands and calls `courant` by name from the PATH, every relative link and every
 * `docs/….md#section` named in code lands on a file and a heading that exist,
 * docs/configuration.md names every variable, docs/architecture.md's rooms table lists every folder
 * of src/ in lint's order, and nothing cites a design document the repository does not hold.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fullEnvSchema } from '../../src/config/schema.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { DAY_STATUS_LABEL } from '../../src/day-status/status.js';
import { runCommandLine } from '../support/run-cli.js';
import { inheritedEnv } from '../support/child-env.js';

const SKIPPED = new Set(['node_modules', 'fixtures', 'histories', 'samples', 'profiles']);

/** Files under `roots` whose name ends with one of `extensions`, fixtures and recorded data left out. */
function filesUnder(roots: readonly string[], extensions: readonly string[]): string[] {
  return roots.flatMap((root) => {
    if (!statSync(root).isDirectory()) return extensions.some((e) => root.endsWith(e)) ? [root] : [];
    return readdirSync(root, { withFileTypes: true })
      .filter((entry) => !SKIPPED.has(entry.name))
      .flatMap((entry) => filesUnder([path.join(root, entry.name)], extensions));
  });
}

const MARKDOWN = filesUnder(['README.md', 'CHANGELOG.md', 'docs', 'bench', 'deploy', 'src'], ['.md']);
const CODE = filesUnder(
  ['src', 'test', 'bench', 'deploy', 'scripts', '.env.example'],
  ['.ts', '.py', '.sh', '.example'],
);

/** A heading's anchor as GitHub writes it: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file's headings, repeated headings numbered as GitHub numbers them. */
function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.+)$/.exec(line);
    if (!heading?.[1]) continue;
    const base = anchorOf(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** What is wrong with a link to `target` (a path, maybe with `#anchor`) from `file`, or null. */
function brokenLink(file: string, target: string): string | null {
  const [linked = '', anchor] = target.split('#');
  const resolved = linked === '' ? file : path.normalize(path.join(path.dirname(file), decodeURIComponent(linked)));
  if (!existsSync(resolved)) return `${file}: ${target} (no file ${resolved})`;
  if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor))
    return `${file}: ${target} (no heading #${anchor} in ${resolved})`;
  return null;
}

describe('README.md', () => {
  const readme = readFileSync('README.md', 'utf8').split('\n');

  it('has at most 200 lines, none over 160 characters but table rows', () => {
    expect(readme.length).toBeLessThanOrEqual(200);
    expect(readme.filter((line) => line.length > 160 && !line.startsWith('|'))).toEqual([]);
  });

  it('gives the demo and the test commands before any other section', () => {
    const firstSection = readme.findIndex((line) => line.startsWith('## '));
    expect(readme[firstSection]).toBe('## Two commands');
    const block = readme.slice(firstSection, readme.indexOf('```', readme.indexOf('```sh', firstSection) + 1));
    expect(block.some((line) => line.startsWith('npm run demo '))).toBe(true);
    expect(block.some((line) => line.startsWith('npm test '))).toBe(true);
  });

  it('calls the command by name, with ./bin on the PATH, before `npx courant`, and that name runs it', async () => {
    const commands = readme.slice(readme.indexOf('## Commands'));
    const onPath = commands.indexOf('export PATH="$PWD/bin:$PATH"   # in the project\'s folder');
    expect(onPath).toBeGreaterThan(-1);
    expect(commands.findIndex((line) => line.includes('npx courant'))).toBeGreaterThan(onPath);
    const { stdout } = await promisify(execFile)('courant', ['--help'], {
      env: { ...inheritedEnv(), PATH: `${path.resolve('bin')}${path.delimiter}${process.env.PATH ?? ''}` },
    });
    expect(stdout).toMatch(/^Usage: courant /);
  });

  it('its command table has a line for every command `courant --help` lists, and its status line every day status', async () => {
    const rows = readme.filter((line) => line.startsWith('| [`courant '));
    const listed = rows.map((line) => /^\| \[`courant ([a-z]+)`\]/.exec(line)?.[1]);
    const help = await runCommandLine(['--help']);
    const commands = [...help.stdout.slice(help.stdout.indexOf('Commands:')).matchAll(/^ {2}([a-z]+)\b/gm)]
      .map((m) => m[1])
      .filter((name) => name !== 'help');
    expect(commands.length).toBeGreaterThan(10);
    expect(listed.sort()).toEqual(commands.sort());
    const status = rows.find((line) => line.startsWith('| [`courant status`]')) ?? '';
    for (const label of Object.values(DAY_STATUS_LABEL)) expect(status, label).toContain(label);
  });
});

describe('links', () => {
  it('every relative link of the Markdown files lands on a file and a heading that exist', () => {
    const broken = MARKDOWN.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)]
        .map((match) => match[1] ?? '')
        .filter((target) => !/^[a-z]+:/.test(target))
        .flatMap((target) => brokenLink(file, target) ?? []),
    );
    expect(MARKDOWN).toContain(path.join('docs', 'architecture.md'));
    expect(broken).toEqual([]);
  });

  it('every docs/….md#section named in code is a heading of that file', () => {
    const broken = CODE.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bdocs\/([a-z-]+\.md)#([a-z0-9-]+)/g)].flatMap((match) =>
        anchorsOf(path.join('docs', match[1] ?? '')).has(match[2] ?? '') ? [] : [`${file}: ${match[0]}`],
      ),
    );
    expect(broken).toEqual([]);
  });

  it('finds a heading that is there and misses one that is not', () => {
    expect(brokenLink('README.md', 'docs/architecture.md#storage-keys')).toBeNull();
    expect(brokenLink('docs/operations.md', 'architecture.md#no-such-section')).toContain('no heading');
    expect(brokenLink('docs/operations.md', 'missing.md')).toContain('no file');
  });
});

describe('docs/configuration.md', () => {
  it("names every variable of courant's schema and of every dataset module", () => {
    const text = readFileSync('docs/configuration.md', 'utf8');
    const missing = Object.keys(fullEnvSchema(DATASET_MODULES).shape).filter((name) => !text.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});

describe('references', () => {
  it('no file cites a design document outside the repository', () => {
    const citing = [...MARKDOWN, ...CODE].filter((file) => /DESIGN(\.md| §)/.test(readFileSync(file, 'utf8')));
    expect(citing).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  it("lists every folder of src/ in its rooms table, in the order lint's rooms follow", () => {
    const architecture = readFileSync('docs/architecture.md', 'utf8');
    const section = architecture.slice(architecture.indexOf('## Rooms and what each may import'));
    const tableRooms = [...section.matchAll(/^\| `src\/([\w-]+)`/gm)].map(([, room]) => room);
    const lint = readFileSync('oxlint.config.mjs', 'utf8');
    const roomsBlock = lint.slice(lint.indexOf('const ROOMS = ['), lint.indexOf('];', lint.indexOf('const ROOMS = [')));
    const lintRooms = [...roomsBlock.matchAll(/^\s*\['([\w-]+)',/gm)].map(([, room]) => room);
    const folders = readdirSync('src', { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(new Set(tableRooms)).toEqual(new Set(folders.map((e) => e.name)));
    expect(tableRooms).toEqual(lintRooms);
  });
});
