/**
 * The benches' Python environments: venvs in the git-ignored .tools, made by
 * scripts/install-tools.sh from pinned requirements and re-created when the pins change —
 * `bench-venv`, the pandas baseline (bench/python/requirements.txt), and `bench-venv-anomalies`,
 * scikit-learn's IsolationForest (bench/python/anomalies-requirements.txt). BENCH_PYTHON names the
 * python that makes them (default python3).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../src/stack/tools.js';

const run = promisify(execFile);

export type BenchVenv = 'bench-venv' | 'bench-venv-anomalies';

const pythonOf = (venv: BenchVenv) => path.join(PROJECT_ROOT, '.tools', venv, 'bin', 'python');

/** Makes the venv when it is missing or its pins changed (saying so through `log`); returns its python. */
export async function ensureVenv(log: (line: string) => void, venv: BenchVenv = 'bench-venv'): Promise<string> {
  const { stderr } = await run('bash', [path.join(PROJECT_ROOT, 'scripts', 'install-tools.sh'), venv], {
    maxBuffer: 16 << 20,
  });
  const said = stderr.trim();
  for (const line of said.split('\n').filter((l) => l.includes('installing')))
    log(line.replace(/^\[install-tools\] /, ''));
  const python = pythonOf(venv);
  if (!existsSync(python)) throw new Error(`the bench needs .tools/${venv}, which was not made: ${said}`);
  return python;
}

/** `{ python, pandas, pyarrow, numpy }` versions in the venv. */
export async function pythonVersions(): Promise<Record<string, string>> {
  const { stdout } = await run(pythonOf('bench-venv'), [
    '-c',
    'import json, platform, pandas, pyarrow, numpy; print(json.dumps({"python": platform.python_version(), "pandas": pandas.__version__, "pyarrow": pyarrow.__version__, "numpy": numpy.__version__}))',
  ]);
  return JSON.parse(stdout) as Record<string, string>;
}
