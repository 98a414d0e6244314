/**
 * The Python environment of the pandas baseline: a venv in the git-ignored .tools/bench-venv with
 * the pinned packages of bench/python/requirements.txt, created once and re-created when the pins
 * change (a stamp holds their hash). Uses `python3` from PATH, or BENCH_PYTHON.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { BENCH_DIR } from './child.js';

const run = promisify(execFile);
export const VENV_DIR = path.join(PROJECT_ROOT, '.tools', 'bench-venv');
const REQUIREMENTS = path.join(BENCH_DIR, 'python', 'requirements.txt');
const STAMP = path.join(VENV_DIR, '.courant-requirements.sha256');

export const venvPython = path.join(VENV_DIR, 'bin', 'python');

/** Creates or updates the venv when needed; returns its python. */
export async function ensureVenv(log: (line: string) => void): Promise<string> {
  const wanted = createHash('sha256')
    .update(await readFile(REQUIREMENTS))
    .digest('hex');
  if (existsSync(venvPython) && existsSync(STAMP) && (await readFile(STAMP, 'utf8')).trim() === wanted)
    return venvPython;
  log(`creating ${path.relative(PROJECT_ROOT, VENV_DIR)} with ${path.relative(PROJECT_ROOT, REQUIREMENTS)} (PyPI)`);
  await rm(VENV_DIR, { recursive: true, force: true });
  const python = process.env.BENCH_PYTHON ?? 'python3';
  const install = ['install', '--disable-pip-version-check', '--no-input', '-q', '-r', REQUIREMENTS];
  // The host's pip installs into a venv made without one: seeding the venv with its own pip costs
  // seconds of CPU for nothing the benchmarks use.
  if (await pipTakesPython(python)) {
    await run(python, ['-m', 'venv', '--without-pip', VENV_DIR]);
    await run(python, ['-m', 'pip', '--python', venvPython, ...install], { maxBuffer: 16 << 20 });
  } else {
    await run(python, ['-m', 'venv', VENV_DIR]);
    await run(venvPython, ['-m', 'pip', ...install], { maxBuffer: 16 << 20 });
  }
  await writeFile(STAMP, `${wanted}\n`);
  return venvPython;
}

/** Whether `python`'s pip installs into another interpreter's environment (`--python`, pip 22.3 and later). */
async function pipTakesPython(python: string): Promise<boolean> {
  // A python without pip answers no: the venv then brings its own.
  const help = await run(python, ['-m', 'pip', '--help']).then(
    ({ stdout }) => stdout,
    () => '',
  );
  return help.includes('--python <python>');
}

/** `{ python, pandas, pyarrow, numpy }` versions in the venv. */
export async function pythonVersions(): Promise<Record<string, string>> {
  const { stdout } = await run(venvPython, [
    '-c',
    'import json, platform, pandas, pyarrow, numpy; print(json.dumps({"python": platform.python_version(), "pandas": pandas.__version__, "pyarrow": pyarrow.__version__, "numpy": numpy.__version__}))',
  ]);
  return JSON.parse(stdout) as Record<string, string>;
}
