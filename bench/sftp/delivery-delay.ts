/**
 * From a delivery appearing on the SFTP server to its day's energies in `/api/v1`: a real sshd
 * (internal-sftp), a Temporal dev server, the document store, a real `courant worker` and the
 * console's API, the SFTP pickup schedule applied at its default interval (SFTP_PICKUP_EVERY_SECONDS).
 * Each run puts an encrypted R151 of a new PRM and day on the server (written under a hidden name,
 * then renamed, as a delivery appears whole), at a random moment of the pickup's interval, and
 * polls the API until the day's energy is there. Then the CPU a pickup costs: the worker's CPU time
 * over pickups that find nothing new, against the same wall time with the schedule paused.
 * Writes the "SFTP delivery to the API" section of RESULTS.md (bench/RESULTS.md by default).
 *
 *   node --import tsx bench/sftp/delivery-delay.ts [--runs N] [--idle-pickups N] [--out FILE]
 */
import { rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { createStorage } from '../../src/storage/index.js';
import { nextDate, previousDate } from '../../src/workflow-safe/partition.js';
import { encrypted, zipOf } from '../../test/support/enedis-deliveries.js';
import { r151Flow } from '../../test/support/enedis-flows.js';
import { runCli } from '../../test/support/run-cli.js';
import { BENCH_DIR } from '../lib/child.js';
import { startBenchConsole } from '../lib/console.js';
import { registeredCatalog } from '../../src/datasets/catalog.js';
import { writeSection } from '../lib/markdown.js';
import { cpuSeconds } from '../lib/proc.js';
import { median } from '../lib/stats.js';
import { startSftpBenchStack } from '../lib/sftp-stack.js';

const SECTION = '## SFTP delivery to the API';
/** The goal: a delivery's day in the API within a minute, at the default interval. */
const GOAL_S = 60;

const { values } = parseArgs({
  options: { runs: { type: 'string' }, 'idle-pickups': { type: 'string' }, out: { type: 'string' } },
});
const runs = Number(values.runs ?? 6);
const idlePickups = Number(values['idle-pickups'] ?? 20);
const out = path.resolve(values.out ?? path.join(BENCH_DIR, 'RESULTS.md'));

/** One R151 of `prm` with its indexes at the end of `date` and of the day before: the day's energy is computable. */
function delivery(prm: string, date: string, n: number): { name: string; bytes: Buffer } {
  const flow = r151Flow([
    { prm, date: previousDate(date), wh: { BASE: 1_000_000 } },
    { prm, date, wh: { BASE: 1_012_000 } },
  ]);
  const stamp = `${nextDate(date).replaceAll('-', '')}030405`;
  const number = String(n).padStart(5, '0');
  const name = `ENEDIS_R151_17X100A100A0001A_GRD-F121_0123456789_${number}_Q_00001_00001_${stamp}.zip`;
  return { name, bytes: encrypted(zipOf({ 'r151.xml': Buffer.from(flow) })) };
}

async function main(): Promise<void> {
  const { servers, sftp, env, worker, stop } = await startSftpBenchStack('sftp-bench');
  try {
    await worker.ready;
    const applied = await runCli(['schedules', 'apply'], env);
    if (applied.code !== 0) throw new Error(`courant schedules apply failed:\n${applied.stderr}`);
    const config = loadConfig(env, DATASET_MODULES);
    const storage = await createStorage(config);
    const app = await startBenchConsole(storage, config, registeredCatalog(config.datasets));
    const { origin } = app;
    const interval = config.schedules.sftpPickup.everySeconds;
    const delays: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      // A random moment of the interval: deliveries do not arrive in step with the pickups.
      await sleep(Math.random() * interval * 1000);
      const prm = `990000000${String(run + 1).padStart(5, '0')}`;
      const date = `2025-01-${String(run + 2).padStart(2, '0')}`;
      const { name, bytes } = delivery(prm, date, run + 1);
      const hidden = path.join(sftp.remoteDir, `.${name}.part`);
      await writeFile(hidden, bytes);
      await rename(hidden, path.join(sftp.remoteDir, name));
      const appeared = performance.now();
      const query = `${origin}/api/v1/energies?dataset=enedis&from=${date}&to=${date}&prm=${prm}`;
      for (const deadline = appeared + 10 * 60_000; ; await sleep(100)) {
        const answer = (await (await fetch(query)).json()) as { rows?: Array<{ energy_kwh?: unknown }> };
        if (answer.rows?.some((row) => row.energy_kwh === 12)) break;
        if (performance.now() > deadline) throw new Error(`${name}: no energy in the API after 10 minutes`);
      }
      delays.push((performance.now() - appeared) / 1000);
      process.stdout.write(`run ${run + 1}: ${delays.at(-1)?.toFixed(1)} s\n`);
    }
    await app.close();
    await storage.close();

    // The CPU of a pickup that finds nothing new: the worker's CPU over pickups run back to back,
    // against the same wall time of the same worker with the schedule paused.
    const paused = await runCli(['schedules', 'pause', '--sftp-pickup', '--note', 'bench: idle baseline'], env);
    if (paused.code !== 0) throw new Error(`courant schedules pause failed:\n${paused.stderr}`);
    let cpu = cpuSeconds(worker.child.pid ?? 0) ?? 0;
    let started = performance.now();
    for (let i = 0; i < idlePickups; i += 1)
      await servers.client.workflow.execute('sftpPickup', { taskQueue: 'courant', workflowId: `bench-idle-${i}` });
    const pickupsCpu = (cpuSeconds(worker.child.pid ?? 0) ?? 0) - cpu;
    const wall = performance.now() - started;
    cpu = cpuSeconds(worker.child.pid ?? 0) ?? 0;
    started = performance.now();
    await sleep(wall);
    const idleCpu = (cpuSeconds(worker.child.pid ?? 0) ?? 0) - cpu;
    const perPickupMs = ((pickupsCpu - idleCpu) / idlePickups) * 1000;
    const perDay = (perPickupMs * 86_400) / interval / 1000;

    const sorted = [...delays].sort((a, b) => a - b);
    const load = os.loadavg()[0]?.toFixed(1) ?? '?';
    const met = (sorted.at(-1) ?? Infinity) <= GOAL_S;
    const section = [
      SECTION,
      '',
      `\`node --import tsx bench/sftp/delivery-delay.ts --runs ${runs} --idle-pickups ${idlePickups}\` — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, load ${load} at the end.`,
      '',
      `A real sshd (internal-sftp), the Temporal dev server, the document store (FerretDB), one \`courant worker\` process and the console's API in the bench's process, the SFTP pickup schedule applied at its default interval, **${interval} s**. Each run puts an encrypted R151 zip (AES-128-CBC, a new PRM and day, two indexes) on the server at a random moment of the interval, written under a hidden name then renamed, and polls \`GET /api/v1/energies\` every 100 ms until the day's 12 kWh are there.`,
      '',
      '| runs | min | median | max |',
      '| --- | --- | --- | --- |',
      `| ${runs} | ${sorted[0]?.toFixed(1)} s | ${median(sorted).toFixed(1)} s | ${sorted.at(-1)?.toFixed(1)} s |`,
      '',
      `- ${met ? '**met**' : '**not met**'} — a delivery's day in the API within ${GOAL_S} s at the default interval of ${interval} s: at most ${sorted.at(-1)?.toFixed(1)} s over ${runs} runs (each: the wait for the next pickup, up to ${interval} s, then the fetch, the ingestion of the file and its day).`,
      `- A pickup that finds nothing new costs the worker **${perPickupMs.toFixed(0)} ms of CPU** (SSH handshake and host key check, one listing, the record query and the inbox listing, the workflow's tasks; ${idlePickups} pickups, ${(pickupsCpu * 1000).toFixed(0)} ms, less ${(idleCpu * 1000).toFixed(0)} ms of the idle worker over the same ${(wall / 1000).toFixed(1)} s): **${perDay.toFixed(1)} s of CPU a day** at one pickup every ${interval} s, whether or not anything is delivered. A delivery adds its download and its decryption (AES, about 1 ms per MB) to its ingestion, which is the same as a file dropped by hand.`,
      '',
    ].join('\n');
    await writeSection(out, SECTION, section);
    process.stdout.write(`${section}\n→ ${out}\n`);
  } finally {
    await stop();
  }
}

await main();
