/**
 * Schemathesis (test/serve/fuzz/requirements.txt, installed into .tools/schemathesis by
 * scripts/install-tools.sh) against a running `courant serve`: its OpenAPI document, every check
 * Schemathesis has, every phase (examples, coverage, fuzzing, stateful), with the configuration
 * of test/serve/fuzz (414 counted as a rejection) and no hook: every request goes out as generated.
 * Exit status 0: no finding. Its run is bounded by its cases (examples per operation and phase, a
 * seed), never by time: a request may take until the wait's deadline against a hang, and
 * Hypothesis's health check of slow data generation is off, so that a slow machine finds nothing a
 * fast one does not.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { WAIT_DEADLINE_MS } from './deadlines.js';
import { inheritedEnv } from './child-env.js';

export const SCHEMATHESIS =
  process.env.SCHEMATHESIS_PATH ?? path.join(PROJECT_ROOT, '.tools', 'schemathesis', 'bin', 'schemathesis');
/** Its configuration (`schemathesis.toml`). */
const FUZZ_DIR = path.join(PROJECT_ROOT, 'test', 'serve', 'fuzz');

export interface FuzzRun {
  /** The server's origin, e.g. http://127.0.0.1:8080. */
  readonly origin: string;
  readonly token: string;
  /** Test cases per operation and phase. */
  readonly maxExamples: number;
  /** Fixed: the same requests each run; absent: new ones each run. */
  readonly seed?: number;
}

export interface FuzzResult {
  readonly code: number | null;
  /** Schemathesis's report: phases, findings with the curl command reproducing each, summary. */
  readonly output: string;
}

export function fuzzApi(run: FuzzRun): Promise<FuzzResult> {
  try {
    accessSync(SCHEMATHESIS, constants.X_OK);
  } catch {
    throw new Error(
      `Schemathesis is not installed at ${SCHEMATHESIS}: run \`bash scripts/install-tools.sh schemathesis\``,
    );
  }
  const args = [
    '--config-file',
    path.join(FUZZ_DIR, 'schemathesis.toml'),
    'run',
    `${run.origin}/api/v1/openapi.json`,
    '--checks',
    'all',
    '--max-examples',
    String(run.maxExamples),
    '--workers',
    '1',
    '--request-timeout',
    String(WAIT_DEADLINE_MS / 1000),
    '--suppress-health-check',
    'too_slow',
    '--header',
    `Authorization: Bearer ${run.token}`,
    '--generation-database',
    'none',
    '--no-color',
    ...(run.seed === undefined ? [] : ['--seed', String(run.seed)]),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(SCHEMATHESIS, args, {
      env: {
        ...inheritedEnv(),
        PYTHONDONTWRITEBYTECODE: '1',
        COLUMNS: '120',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}
