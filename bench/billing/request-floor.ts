/**
 * The floor of a late day's request to billing (docs/billing.md, "When it runs"): the CPU of the
 * signal-with-start alone that `requestLateBilling` sends (`requestBilling`, the same function),
 * through a client of a dev server, to `billing/{month}` on a task queue no worker polls (nothing
 * runs: the call is all that is measured). Back to back after a warm-up, then after the client sat
 * idle, as a supplier's late days come one at a time. CPU is this process's (all its threads).
 *
 *   node --import tsx bench/billing/request-floor.ts [--calls 200] [--idle-runs 3]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { requestBilling } from '../../src/client/request-billing.js';
import { startBenchServers } from '../lib/servers.js';
import { median } from '../lib/stats.js';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '200' }, 'idle-runs': { type: 'string', default: '3' } },
});
const calls = Number(values.calls);
const idleRuns = Number(values['idle-runs']);
if (!Number.isInteger(calls) || calls < 10)
  throw new Error(`--calls: a whole number of at least 10, got ${values.calls}`);
if (!Number.isInteger(idleRuns) || idleRuns < 1)
  throw new Error(`--idle-runs: a whole number of at least 1, got ${values['idle-runs']}`);

const IDLE_SECONDS = [2, 10, 30] as const;
const TASK_QUEUE = 'bench-request-floor';
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const work = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-request-floor-'));
const servers = await startBenchServers(work, work);
try {
  let n = 0;
  /** One request as a late day of a billed month sends it: its CPU and wall, in ms. */
  const request = async () => {
    n += 1;
    const month = `2025-${String((n % 12) + 1).padStart(2, '0')}`;
    const [cpu, wall] = [cpuMs(), performance.now()];
    await requestBilling(servers.client, TASK_QUEUE, month, {
      kind: 'late-day',
      date: `${month}-15`,
      flows: [`inbox/enedis/${n.toString(16).padStart(12, '0')}-ENEDIS_R151_P_0000000000_${month}.zip`],
    });
    return { cpu: cpuMs() - cpu, wall: performance.now() - wall };
  };
  for (let i = 0; i < calls; i += 1) await request(); // warm-up: the connection, the JIT
  const warm: number[] = [];
  for (let i = 0; i < calls; i += 1) warm.push((await request()).cpu);
  const lines = [`back to back: median ${median(warm).toFixed(2)} CPU-ms over ${calls} requests`];
  for (const seconds of IDLE_SECONDS) {
    const after: Array<{ cpu: number; wall: number }> = [];
    for (let i = 0; i < idleRuns; i += 1) {
      await sleep(seconds * 1000);
      after.push(await request());
    }
    lines.push(
      `after ${seconds} s idle: ${after.map((a) => a.cpu.toFixed(2)).join(', ')} CPU-ms ` +
        `(${after.map((a) => a.wall.toFixed(1)).join(', ')} ms wall)`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await servers.stop();
  await rm(work, { recursive: true, force: true });
}
