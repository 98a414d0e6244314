/**
 * The `courant` executable runs the build in dist/cli while it is the build of the sources as they
 * are, and the sources themselves otherwise: a build older than a source, or none, never runs. On a
 * copy of the project (its node_modules linked), built as `npm run build` builds; the build is
 * marked, so that its output tells which of the two ran.
 */
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_CLI_DIR, BUILT_CLI_ENTRY } from '../../bin/built-cli.js';
import { buildCli } from '../../scripts/cli-bundle.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { inheritedEnv } from '../support/child-env.js';

const run = promisify(execFile);
const COPIED = ['bin', 'src', 'scripts/cli-bundle.ts', 'package.json', 'tsconfig.json'];
const BUILT_MARK = 'courant: the build in dist/cli runs';
/** A source whose text `courant --help` prints. */
const LISTED = 'src/cli/command-list.ts';

let root: string;
let original: { text: string; mtime: Date };

async function help(): Promise<string> {
  const { stdout } = await run(process.execPath, [path.join(root, 'bin', 'courant.js'), '--help'], {
    env: inheritedEnv(),
  });
  return stdout;
}

/** `text` in place of the listed command's description for `run`, written now, or at `mtime`. */
async function editListing(text: string, mtime?: Date): Promise<void> {
  const file = path.join(root, LISTED);
  await writeFile(file, original.text.replace('run one day now (RunKind=manual)', text));
  if (mtime) await utimes(file, mtime, mtime);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'courant-built-cli-'));
  for (const entry of COPIED)
    await cp(path.join(PROJECT_ROOT, entry), path.join(root, entry), { recursive: true, preserveTimestamps: true });
  await symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  const file = path.join(root, LISTED);
  original = { text: await readFile(file, 'utf8'), mtime: (await stat(file)).mtime };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  await buildCli(root);
  await appendFile(path.join(root, BUILT_CLI_ENTRY), `\nprocess.stdout.write(${JSON.stringify(`${BUILT_MARK}\n`)});\n`);
});

afterEach(async () => {
  await editListing('run one day now (RunKind=manual)', original.mtime);
});

describe('the courant executable', () => {
  it('runs the build when it is the build of the sources as they are', async () => {
    const out = await help();
    expect(out).toContain(BUILT_MARK);
    expect(out).toContain('run one day now (RunKind=manual)');
  });

  it('runs the sources once one of them is written after the build', async () => {
    await editListing('run one EDITED day now');
    const out = await help();
    expect(out).not.toContain(BUILT_MARK);
    expect(out).toContain('run one EDITED day now');
  });

  it('runs the sources when one of them changed size, even with a time older than the build', async () => {
    await editListing('run one day now, EDITED', original.mtime);
    const out = await help();
    expect(out).not.toContain(BUILT_MARK);
    expect(out).toContain('run one day now, EDITED');
  });

  it('runs the sources when there is no build', async () => {
    await rm(path.join(root, BUILT_CLI_DIR), { recursive: true });
    const out = await help();
    expect(out).not.toContain(BUILT_MARK);
    expect(out).toContain('run one day now (RunKind=manual)');
  });
});
