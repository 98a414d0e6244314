/**
 * The cost ledger: what each activity costs, written when COST_LEDGER_FILE is set (the bench's cost
 * model of a day). For each activity: its CPU and wall time, those of each stage inside it, the
 * DuckDB statements it ran, the objects and bytes it read and wrote, its record-store calls. CPU is
 * the process's (DuckDB's threads included), so a line is exact when activities run one at a time,
 * as the cost model runs them; beside it, the CPU of the thread that ran the activity alone, which
 * other threads' work meanwhile (a workflow task, Temporal's core, the garbage collector) never
 * enters, nor the work the activity hands to them (DuckDB, file calls on libuv's pool). Without a
 * ledger every hook here is a plain call.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** What a piece of work did, counted. */
export interface CostCounts {
  duckdbStatements: number;
  objectsRead: number;
  bytesRead: number;
  objectsWritten: number;
  bytesWritten: number;
  /** Listings, heads and deletes. */
  objectCalls: number;
  recordCalls: number;
}

export interface StageCost extends CostCounts {
  readonly stage: string;
  readonly cpuMs: number;
  readonly wallMs: number;
}

/** One line of the ledger: an activity's execution. */
export interface ActivityCost extends CostCounts {
  readonly activity: string;
  readonly dataset: string | null;
  /** The day its input names, if any. */
  readonly date: string | null;
  readonly workflowId: string;
  readonly local: boolean;
  readonly cpuMs: number;
  /** The CPU of the thread that ran it alone; absent on a Node without `process.threadCpuUsage` (before 23.9). */
  readonly threadCpuMs?: number;
  readonly wallMs: number;
  readonly stages: StageCost[];
}

function noCounts(): CostCounts {
  return {
    duckdbStatements: 0,
    objectsRead: 0,
    bytesRead: 0,
    objectsWritten: 0,
    bytesWritten: 0,
    objectCalls: 0,
    recordCalls: 0,
  };
}

interface Open {
  readonly counts: CostCounts[];
  readonly stages: StageCost[];
}

const current = new AsyncLocalStorage<Open>();

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** `process.threadCpuUsage`, on the Nodes that have it (23.9 on); @types/node 20 does not name it. */
const threadCpuUsage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.bind(process);

/** The calling thread's CPU so far, in ms; null without `process.threadCpuUsage`. */
function threadCpuMs(): number | null {
  const used = threadCpuUsage?.();
  return used === undefined ? null : (used.user + used.system) / 1000;
}

/** Adds to the counts of the activity and of every stage open around the caller; nothing without a ledger. */
export function countCost(kind: keyof CostCounts, n = 1): void {
  const open = current.getStore();
  if (!open) return;
  for (const counts of open.counts) counts[kind] += n;
}

/**
 * Runs `work` as the stage `name` of the calling activity: its CPU, wall time and counts are kept
 * apart in the ledger. Without a ledger, just runs it.
 */
export async function costStage<T>(name: string, work: () => Promise<T>): Promise<T> {
  const open = current.getStore();
  if (!open) return work();
  const counts = noCounts();
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    return await current.run({ counts: [...open.counts, counts], stages: open.stages }, work);
  } finally {
    open.stages.push({ stage: name, cpuMs: cpuMsSince(cpu), wallMs: performance.now() - started, ...counts });
  }
}

/** {@link costStage} for synchronous work: rendering, hashing. */
export function costStageSync<T>(name: string, work: () => T): T {
  const open = current.getStore();
  if (!open) return work();
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    return work();
  } finally {
    open.stages.push({ stage: name, cpuMs: cpuMsSince(cpu), wallMs: performance.now() - started, ...noCounts() });
  }
}

export interface CostLedger {
  /** Records every activity the worker runs, local activities included. */
  readonly interceptor: ActivityInterceptorsFactory;
}

/** A text field of the activity's input, if it has one. */
function inputField(args: readonly unknown[], field: 'dataset' | 'date'): string | null {
  const first: unknown = args[0];
  if (typeof first !== 'object' || first === null) return null;
  const value: unknown = Reflect.get(first, field);
  return typeof value === 'string' ? value : null;
}

/** A ledger appending one JSON line per activity execution to `file`. */
export function fileCostLedger(file: string): CostLedger {
  return {
    interceptor: (ctx) => ({
      inbound: {
        async execute(input, next) {
          const counts = noCounts();
          const stages: StageCost[] = [];
          const thread = threadCpuMs();
          const cpu = process.cpuUsage();
          const started = performance.now();
          try {
            return await current.run({ counts: [counts], stages }, () => next(input));
          } finally {
            const line: ActivityCost = {
              activity: ctx.info.activityType,
              dataset: inputField(input.args, 'dataset'),
              date: inputField(input.args, 'date'),
              workflowId: ctx.info.workflowExecution?.workflowId ?? '',
              local: ctx.info.isLocal,
              cpuMs: cpuMsSince(cpu),
              ...(thread === null ? {} : { threadCpuMs: (threadCpuMs() ?? thread) - thread }),
              wallMs: performance.now() - started,
              ...counts,
              stages,
            };
            appendFileSync(file, `${JSON.stringify(line)}\n`);
          }
        },
      },
    }),
  };
}
