/** The machine and the versions a run used, for RESULTS.md. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT, resolveTool } from '../../src/stack/tools.js';
import { pythonVersions } from './venv.js';

const run = promisify(execFile);

async function quietly(command: string, args: readonly string[]): Promise<string> {
  try {
    return (await run(command, args, { cwd: PROJECT_ROOT })).stdout.trim();
  } catch {
    return 'unknown';
  }
}

async function packageVersion(name: string): Promise<string> {
  const file = path.join(PROJECT_ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(await readFile(file, 'utf8')) as { version: string }).version;
}

export interface MachineInfo {
  readonly rows: ReadonlyArray<readonly [string, string]>;
}

export async function machineInfo(): Promise<MachineInfo> {
  const cpuModel = os.cpus()[0]?.model ?? 'unknown';
  const python = await pythonVersions();
  const commit = await quietly('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = (await quietly('git', ['status', '--porcelain'])) === '' ? '' : ' (with uncommitted changes)';
  let temporal = 'unknown';
  try {
    const cli = resolveTool('temporal', process.env.TEMPORAL_CLI_PATH);
    const reported = (await quietly(cli, ['--version'])).split('\n')[0] ?? '';
    // A CLI built with `go install` reports 0.0.0-DEV; scripts/install-tools.sh stamps the pinned tag.
    const stamp = await readFile(`${cli}.stamp`, 'utf8').catch(() => '');
    temporal = stamp.trim() ? `${stamp.trim()} ${reported.replace(/^.*?(\(.*\))?$/, '$1')}`.trim() : reported;
  } catch {
    // reported as unknown
  }
  return {
    rows: [
      ['CPU', `${cpuModel}, ${os.cpus().length} cores (shared, noisy)`],
      ['Memory', `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`],
      ['OS', `${os.type()} ${os.release()} ${os.arch()}`],
      ['Node.js', process.version],
      ['DuckDB (@duckdb/node-api)', await packageVersion('@duckdb/node-api')],
      ['Temporal SDK', await packageVersion('@temporalio/worker')],
      ['Temporal CLI (dev server)', temporal],
      ['Python', python.python ?? 'unknown'],
      ['pandas / pyarrow / numpy', `${python.pandas} / ${python.pyarrow} / ${python.numpy}`],
      ['courant', `${commit}${dirty}`],
    ],
  };
}
