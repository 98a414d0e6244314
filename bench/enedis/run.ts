/**
 * The Enedis bench alone: `node --import tsx bench/enedis/run.ts [--smoke] [--out FILE]` writes
 * only the "Enedis flows" section of RESULTS.md (bench/RESULTS.md by default; with --smoke a
 * temporary file). `npm run bench` runs it too, after the other parts.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR, installChildCleanup } from '../lib/child.js';
import { ensureVenv } from '../lib/venv.js';
import { benchEnedis } from './enedis-bench.js';

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, out: { type: 'string' } } });
const smoke = values.smoke ?? false;
const out = path.resolve(
  values.out ??
    (smoke ? path.join(os.tmpdir(), 'courant-bench-smoke', 'RESULTS.md') : path.join(BENCH_DIR, 'RESULTS.md')),
);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

installChildCleanup();
const workDir = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-enedis-'));
const logDir = path.join(workDir, 'logs');
await mkdir(logDir, { recursive: true });
await mkdir(path.dirname(out), { recursive: true });
try {
  const python = await ensureVenv(log);
  await benchEnedis({ smoke, out, workDir, logDir, python, log });
  log(`wrote the Enedis section of ${out}`);
  await rm(workDir, { recursive: true, force: true });
} catch (error) {
  log(`failed; logs kept in ${logDir}`);
  throw error;
}
