/**
 * The go-live snapshot import at a supplier's size: a seeded CSV of N contracts
 * (`prm,contract,fta,kva,since`), imported by `courant perimeter import --file` on a store of its
 * own, then imported again (which changes nothing), each timed by `/usr/bin/time -v` (wall, CPU,
 * peak RSS, start-up included). Prints the two runs; writes nothing to bench/RESULTS.md.
 *
 *   node --import tsx bench/billing/snapshot-import-bench.ts [--rows 100000]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { seededRandom } from '../lib/random.js';
import { withDocumentStore } from '../lib/servers.js';
import { timeReport } from './time-report.js';

const run = promisify(execFile);
const FTAS = ['BTINFCUST', 'BTINFCU4', 'BTINFMU4', 'BTINFLU'] as const;
const KVAS = [3, 6, 9, 12, 15, 18, 24, 30, 36] as const;

/** N rows of a portfolio: distinct 14-digit PRMs, one contract each, in force from a day of 2010-2024. */
function snapshotCsv(rows: number): string {
  const random = seededRandom(rows);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const lines = ['prm,contract,fta,kva,since'];
  for (let i = 0; i < rows; i += 1) {
    const since = new Date(Date.UTC(2010, 0, 1) + Math.floor(random() * 15 * 365) * 86_400_000);
    lines.push(
      `${String(12_000_000_000_000 + i * 37)},S${String(i).padStart(8, '0')},${pick(FTAS)},${pick(KVAS)},${since.toISOString().slice(0, 10)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } });
const rows = z.coerce.number().int().positive().parse(values.rows);
const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-snapshot-'));
try {
  const file = path.join(dir, 'portfolio.csv');
  await writeFile(file, snapshotCsv(rows));
  await withDocumentStore('courant-bench-snapshot-', async ({ mongoBase }) => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      MONGODB_URL: `${mongoBase}/snapshot_bench`,
      DATA_DIR: path.join(dir, 'data'),
      STORAGE_MODE: 'local',
    };
    for (const pass of ['first import', 'same file again']) {
      const command = `exec node ${path.join(PROJECT_ROOT, 'bin', 'courant.js')} perimeter import --file ${file}`;
      const { stderr } = await run('/usr/bin/time', ['-v', 'bash', '-c', command], { env });
      const measured = timeReport(stderr);
      process.stdout.write(
        `${pass}: ${rows} rows, wall ${measured.wallS.toFixed(2)} s, CPU ${measured.cpuS.toFixed(2)} s, ` +
          `peak RSS ${Math.round(measured.peakRssBytes / 2 ** 20)} MB — ${stderr.split('\n')[0] ?? ''}\n`,
      );
    }
  });
} finally {
  await rm(dir, { recursive: true, force: true });
}
