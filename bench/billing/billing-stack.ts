/**
 * The stack `courant billing --month` bills on: the month's workflow `billing/{M}` is its only
 * writer, so the command asks it and waits, and the billing itself runs in a `courant worker`.
 * A Temporal dev server, a document store and one worker are started once per bench run
 * (bench/lib/servers.ts), on local storage under the bench's data folder.
 *
 * Each step is timed where its work happens:
 * - the command: wall time from its start to its exit (the request, the wait for the month
 *   written, then the month printed; start-up included), its CPU and its own peak RSS, from
 *   `/usr/bin/time -v`;
 * - the worker, already running: its peak RSS during the step (VmHWM, reset to the current RSS
 *   before the step through `/proc/<pid>/clear_refs`, read after it), its RSS before and the CPU
 *   it used during the step (/proc);
 * - with `workflowId`, the time its latest run's activities took (its history): how much of the
 *   wall time the billing itself is.
 *
 * With `costLedger`, the worker writes the cost ledger (COST_LEDGER_FILE, as the day cost model's
 * worker does: bench/cost/), one line per activity with its CPU: what an activity costs, read from
 * `ledgerFile`. It only counts (store calls, DuckDB statements); the billing itself is unchanged.
 */
import type { Client } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { startWorkerProcess } from '../orchestration/worker-process.js';
import { benchWorkflowBundles } from '../lib/bundles.js';
import { installChildCleanup } from '../lib/child.js';
import { cpuSeconds, peakRssBytes, resetPeakRss } from '../lib/proc.js';
import { benchWorkerEnv, startBenchServers } from '../lib/servers.js';
import { activitySeconds } from './activity-seconds.js';
import { timeReport } from './time-report.js';

const run = promisify(execFile);

/** One `courant` command timed on the stack, with what the worker did meanwhile. */
export interface StackStep {
  /** The command's wall time, start-up and wait included. */
  readonly wallS: number;
  /** The command's own CPU time and peak RSS. */
  readonly cpuS: number;
  readonly peakRssBytes: number;
  readonly worker: {
    /** The worker's peak RSS during the step. */
    readonly peakRssBytes: number;
    /** Its RSS when the step started (what it held from start-up and earlier steps). */
    readonly rssBeforeBytes: number;
    /** The CPU it used during the step. */
    readonly cpuS: number;
  };
  /** Seconds per activity type of the workflow's latest run, when the step names one. */
  readonly activitySeconds: Readonly<Record<string, number>>;
  /** The command's stderr, `/usr/bin/time`'s report at its end. */
  readonly stderr: string;
}

export interface BillingStack {
  /** The environment of a `courant` command (or a record store) on this stack. */
  readonly env: Readonly<Record<string, string>>;
  /** A client of the stack's dev server. */
  readonly client: Client;
  /** The worker's cost ledger, or null when the stack was started without one. */
  readonly ledgerFile: string | null;
  /** Runs `courant ...args` (its stdout to `stdoutFile`), timed with the worker (and `workflowId`'s activities) as above. */
  time(args: readonly string[], stdoutFile: string, workflowId?: string): Promise<StackStep>;
}

/** Resident memory of `pid` now, in bytes (VmRSS), or 0 once it has gone. */
function rssBytes(pid: number): number {
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kib === undefined ? 0 : Number(kib) * 1024;
}

/**
 * Runs `bench` with a stack of its own — servers and their files in a temporary folder prefixed
 * `prefix`, the worker's log in `logFile`, storage under `dataDir`, the worker's cost ledger in that
 * folder with `costLedger` — then stops it.
 */
export async function withBillingStack<T>(
  prefix: string,
  dirs: { readonly dataDir: string; readonly logFile: string; readonly costLedger?: boolean },
  bench: (stack: BillingStack) => Promise<T>,
): Promise<T> {
  installChildCleanup();
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  try {
    const servers = await startBenchServers(path.join(dir, 'servers'), dir);
    try {
      const env = benchWorkerEnv(
        servers,
        'billing',
        { dataDir: dirs.dataDir, bundles: await benchWorkflowBundles() },
        { LOG_LEVEL: 'warn' },
      );
      await writeFile(dirs.logFile, '');
      const ledgerFile = dirs.costLedger === true ? path.join(dir, 'cost-ledger.jsonl') : null;
      const workerProcess = await startWorkerProcess(
        { ...env, LOG_LEVEL: 'info', ...(ledgerFile === null ? {} : { COST_LEDGER_FILE: ledgerFile }) },
        dirs.logFile,
      );
      try {
        return await bench({
          env,
          client: servers.client,
          ledgerFile,
          async time(args, stdoutFile, workflowId) {
            resetPeakRss(workerProcess.pid);
            const rssBeforeBytes = rssBytes(workerProcess.pid);
            const cpuBefore = cpuSeconds(workerProcess.pid) ?? 0;
            const command = `exec node ${path.join(PROJECT_ROOT, 'bin', 'courant.js')} ${args.join(' ')} > ${stdoutFile}`;
            const { stderr } = await run('/usr/bin/time', ['-v', 'bash', '-c', command], {
              env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
              maxBuffer: 64 * 2 ** 20,
            }).catch((error: unknown) => {
              throw new Error(`courant ${args.join(' ')} failed; the worker's log: ${dirs.logFile}`, { cause: error });
            });
            const worker = {
              peakRssBytes: peakRssBytes(workerProcess.pid) ?? 0,
              rssBeforeBytes,
              cpuS: (cpuSeconds(workerProcess.pid) ?? 0) - cpuBefore,
            };
            return {
              ...timeReport(stderr),
              worker,
              activitySeconds: workflowId === undefined ? {} : await activitySeconds(servers.client, workflowId),
              stderr,
            };
          },
        });
      } finally {
        await workerProcess.stop();
      }
    } finally {
      await servers.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
