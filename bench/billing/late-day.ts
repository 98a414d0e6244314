/**
 * A late day of a billed month, as a supplier meets one: an R151 of a day of the month, for a PRM
 * the portfolio does not hold yet, ingested once the month is billed (`courant ingest --dataset
 * enedis --dir D --wait` on a billing bench's stack). Its `daily/{date}` succeeds, then its local
 * activity `requestLateBilling` asks the month's workflow to bill again. What that request adds to
 * the day is its CPU as the day cost model reads it (bench/cost/): the worker's cost ledger, one
 * line per activity (the stack started with `costLedger`). CPU is the worker process's while the
 * activity runs, as in the cost model, and its thread's alone beside it: the stack must be idle before, so every workflow the day
 * started (the re-bill it asked, the reports) is waited for after it, and the month's record must
 * name the day as its trigger. The worker's first request to billing is a cold one: measure a
 * late day after another, as the cost model measures a day after a warm-up day.
 *
 * The day's tables are those of the ingested flow alone (the bench's stored tables have no raw
 * flows to transform again), so the re-bill moves the month: run it last.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { getBillingRecord } from '../../src/billing/billing-record.js';
import { createRecordStore } from '../../src/storage/index.js';
import { BILLING_DATASET } from '../../src/workflow-safe/billing.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { r151Flow } from '../../test/support/enedis-flows.js';
import { activityLine } from '../cost/ledger.js';
import { activitySeconds } from './activity-seconds.js';
import type { BillingStack, StackStep } from './billing-stack.js';

/** Not a PRM of the generated scenarios (`99…`): nothing before it to compare its index with. */
const LATE_PRM = '98000000000001';

export interface LateDay {
  readonly date: string;
  /** `requestLateBilling`'s CPU and wall time in the day (the ledger's line). */
  readonly requestCpuMs: number;
  /** Its thread's CPU alone (the ledger's `threadCpuMs`); null on a Node without it. */
  readonly requestThreadCpuMs: number | null;
  readonly requestWallMs: number;
  /** Every activity of the day (`daily/{date}` and its Enedis day), their CPU summed. */
  readonly dayCpuMs: number;
  /** `courant ingest … --wait`, timed on the stack. */
  readonly ingest: StackStep;
  /** The re-bill the request asked: its billing activity's seconds. */
  readonly rebillS: number;
}

/** The ledger's lines written after `offset` bytes, parsed. */
async function ledgerLinesAfter(file: string, offset: number) {
  const text = (await readFile(file)).subarray(offset).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => activityLine.parse(JSON.parse(line)));
}

/** Waits until no workflow runs on the stack (a day's reports and the re-bill it asked included). */
async function settled(client: Client): Promise<void> {
  for (const deadline = Date.now() + 15 * 60_000; ; await sleep(500)) {
    if ((await client.workflow.count('ExecutionStatus = "Running"')).count === 0) return;
    if (Date.now() > deadline) throw new Error('workflows still run on the stack 15 minutes after the late day');
  }
}

/** Ingests a late R151 of `date` (a day of `month`, billed) in `dir` on `stack`, and measures its request to billing. */
export async function timeLateDay(stack: BillingStack, month: string, date: string, dir: string): Promise<LateDay> {
  if (stack.ledgerFile === null) throw new Error('a late day is measured on a stack with a cost ledger');
  const folder = path.join(dir, `late-day-${date}`);
  await mkdir(folder, { recursive: true });
  await writeFile(
    path.join(folder, 'late-r151.xml'),
    r151Flow([{ prm: LATE_PRM, date, wh: { HPH: 1_000_000, HCH: 500_000, HPB: 0, HCB: 0 } }]),
  );
  await settled(stack.client);
  const offset = (await readFile(stack.ledgerFile)).length;
  const ingest = await stack.time(['ingest', '--dataset', BILLING_DATASET, '--dir', folder, '--wait'], '/dev/null');
  const lines = await ledgerLinesAfter(stack.ledgerFile, offset);
  const requests = lines.filter((l) => l.activity === 'requestLateBilling' && l.date === date);
  if (requests.length === 0)
    throw new Error(`the day ${date} ran no requestLateBilling; the worker's ledger: ${stack.ledgerFile}`);
  const dayWorkflows = new Set([workflowIds.daily(date), workflowIds.datasetDay(BILLING_DATASET, date)]);
  const billing = workflowIds.billing(month);
  // The run the request started (its latest), then whatever else the day left running.
  await stack.client.workflow.getHandle(billing).result();
  await settled(stack.client);
  const records = await createRecordStore(loadConfig(stack.env, DATASET_MODULES));
  try {
    const last = (await getBillingRecord(records, month))?.runs.at(-1);
    if (!last?.triggers.some((t) => t.kind === 'late-day' && t.date === date))
      throw new Error(`${billing} did not bill for the late day ${date}: ${JSON.stringify(last?.triggers ?? null)}`);
  } finally {
    await records.close();
  }
  return {
    date,
    requestCpuMs: requests.reduce((total, l) => total + l.cpuMs, 0),
    requestThreadCpuMs: requests.every((l) => l.threadCpuMs !== undefined)
      ? requests.reduce((total, l) => total + (l.threadCpuMs ?? 0), 0)
      : null,
    requestWallMs: requests.reduce((total, l) => total + l.wallMs, 0),
    dayCpuMs: lines.filter((l) => dayWorkflows.has(l.workflowId)).reduce((total, l) => total + l.cpuMs, 0),
    ingest,
    rebillS: (await activitySeconds(stack.client, billing)).billStoredMonth ?? 0,
  };
}
