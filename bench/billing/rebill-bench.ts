/**
 * A correction at a supplier's size: the large scenario's month (generate.ts, `--size large`,
 * 100 000 contracts) as courant stores it, billed with its last day refused by a check (every
 * contract's energy then not computed), then billed again once that day is accepted — a version
 * where every contract moves, the worst case — then what moved between the two. Each step is one
 * `courant` process timed by `/usr/bin/time -v` (wall, CPU, peak RSS, start-up included); the
 * versions' sizes say what a year of them costs in storage. Prints the figures; writes nothing
 * to bench/RESULTS.md.
 *
 *   node --import tsx bench/billing/rebill-bench.ts [--dir .tools/bench-data/billing/large-2025-03-100000-1]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { createRecordStore } from '../../src/storage/index.js';
import { billingKeys } from '../../src/workflow-safe/keys.js';
import { succeededRun } from '../../test/support/console-days.js';
import { withDocumentStore } from '../lib/servers.js';
import { timeReport } from './courant-tool.js';
import { writeStoredTables } from './stored-tables.js';

const run = promisify(execFile);
const MONTH = '2025-03';
const LAST_DAY = '2025-03-31';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: path.join(PROJECT_ROOT, '.tools/bench-data/billing/large-2025-03-100000-1') },
  },
});
const work = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-rebill-'));
try {
  const dataDir = path.join(work, 'data');
  const stored = await writeStoredTables(
    {
      c15Events: path.join(values.dir, 'tables', 'c15_events.parquet'),
      r151Readings: path.join(values.dir, 'tables', 'r151_readings.parquet'),
    },
    dataDir,
  );
  await withDocumentStore('courant-bench-rebill-', async ({ mongoBase }) => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      MONGODB_URL: `${mongoBase}/rebill_bench`,
      DATA_DIR: dataDir,
      STORAGE_MODE: 'local',
    };
    const records = await createRecordStore(loadConfig(env, DATASET_MODULES));
    const lastDay = (status: 'failed' | 'succeeded') =>
      records.upsertDayRun({
        ...succeededRun('enedis', LAST_DAY),
        status,
        ...(status === 'failed' ? { error: { type: 'DataQuality', message: 'index_decreasing blocked the day' } } : {}),
      });
    const courant = async (step: string, args: readonly string[]) => {
      const command = `exec node ${path.join(PROJECT_ROOT, 'bin', 'courant.js')} ${args.join(' ')} > /dev/null`;
      const { stderr } = await run('/usr/bin/time', ['-v', 'bash', '-c', command], { env, maxBuffer: 64 * 2 ** 20 });
      const measured = timeReport(stderr);
      process.stdout.write(
        `${step}: wall ${measured.wallS.toFixed(2)} s, CPU ${measured.cpuS.toFixed(2)} s, peak RSS ${Math.round(measured.peakRssBytes / 2 ** 20)} MB — ${stderr.split('\n').find((l) => l.includes(MONTH)) ?? ''}\n`,
      );
    };
    try {
      for (const date of stored.dates) await records.upsertDayRun(succeededRun('enedis', date));
      await lastDay('failed');
      await courant('first billing, the last day refused', ['billing', '--month', MONTH, '--format', 'json']);
      await lastDay('succeeded');
      await courant('billed again once the day is accepted', ['billing', '--month', MONTH, '--format', 'json']);
      await courant('the same again, nothing new', ['billing', '--month', MONTH, '--format', 'json']);
      await courant('what moved, v1 to v2', ['billing', '--month', MONTH, '--changes', '--format', 'json']);
    } finally {
      await records.close();
    }
    const size = async (key: string) => (await stat(path.join(dataDir, key))).size / 2 ** 20;
    const [v1, v2] = [await size(billingKeys.monthVersion(MONTH, 1)), await size(billingKeys.month(MONTH))];
    process.stdout.write(
      `versions: v1 ${v1.toFixed(1)} MB, v2 ${v2.toFixed(1)} MB; a year of 12 months with 3 versions each: ${(((v1 + v2) / 2) * 36).toFixed(0)} MB\n`,
    );
  });
} finally {
  await rm(work, { recursive: true, force: true });
}
