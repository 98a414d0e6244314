/**
 * Whether what the records say a day wrote is still in object storage: every output of each
 * succeeded day record, against the size and ETag it was written with (presence alone for records
 * older than those fields). The objects are listed by folder (`processed/{dataset}`, …: one listing
 * per folder the records name, paged by the store), never asked for one by one. A day found wanting
 * is marked in its record (failed, `OutputsMissing`), so `courant status`, the console and the API
 * show it and `backfill --mode missing` plans it again.
 */
import type { ObjectStore, StoredObjectInfo } from '../storage/object-store.js';
import type { DayRun, DayRunQuery, RecordStore } from '../storage/records.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { parisDateOf, previousDate } from '../workflow-safe/partition.js';
import type { VerifyOutputsInput, VerifyOutputsOutput } from '../workflow-safe/verify-outputs.js';
import type { ActivityDeps } from './deps.js';

export interface OutputProblem {
  readonly key: string;
  readonly problem: 'missing' | 'changed';
  /** What the record says was written and what is stored, for a changed object. */
  readonly recorded?: { readonly bytes: number; readonly etag?: string };
  readonly stored?: { readonly bytes: number; readonly etag?: string };
}

export interface DayVerdict {
  readonly dataset: string;
  readonly date: string;
  /** The run whose record lists the outputs: only its record is marked. */
  readonly runId: string;
  readonly problems: readonly OutputProblem[];
}

export interface Verification {
  /** Succeeded day records checked. */
  readonly days: number;
  /** Outputs those records list. */
  readonly outputs: number;
  /** Folders listed, and the objects the listings returned. */
  readonly folders: number;
  readonly listed: number;
  /** Days with an output missing or changed, by date then dataset. */
  readonly wanting: readonly DayVerdict[];
}

/** `processed/eco2mix/dt=2024-01-01/x.parquet` → `processed/eco2mix`: the folder listed for it. */
function folderOf(key: string): string {
  return key.split('/').slice(0, 2).join('/');
}

function problemOf(run: DayRun, key: string, stored: StoredObjectInfo | undefined): OutputProblem | null {
  if (!stored) return { key, problem: 'missing' };
  const recorded = run.outputFiles?.find((file) => file.key === key);
  if (!recorded) return null;
  const etagDiffers = recorded.etag !== undefined && stored.etag !== undefined && recorded.etag !== stored.etag;
  if (recorded.bytes === stored.bytes && !etagDiffers) return null;
  return {
    key,
    problem: 'changed',
    recorded: { bytes: recorded.bytes, ...(recorded.etag ? { etag: recorded.etag } : {}) },
    stored: { bytes: stored.bytes, ...(stored.etag ? { etag: stored.etag } : {}) },
  };
}

/** Checks the succeeded days of the range against a listing of the folders their outputs are in. */
export async function verifyOutputs(
  stores: { readonly records: RecordStore; readonly objects: ObjectStore },
  query: DayRunQuery,
): Promise<Verification> {
  const runs = (await stores.records.listDayRuns(query)).filter((run) => run.status === 'succeeded');
  const folders = [...new Set(runs.flatMap((run) => run.outputs.map(folderOf)))].sort();
  // The store itself: a mirror's listing would say nothing of what S3 still holds.
  const listings = await Promise.all(folders.map((folder) => stores.objects.list(folder, { storeOnly: true })));
  const stored = new Map(listings.flat().map((object) => [object.key, object]));
  const wanting: DayVerdict[] = [];
  for (const run of runs) {
    const problems = run.outputs.flatMap((key) => problemOf(run, key, stored.get(key)) ?? []);
    if (problems.length > 0) wanting.push({ dataset: run.dataset, date: run.date, runId: run.runId, problems });
  }
  return {
    days: runs.length,
    outputs: runs.reduce((n, run) => n + run.outputs.length, 0),
    folders: folders.length,
    listed: stored.size,
    wanting,
  };
}

/** One line per problem: `missing processed/…` or `changed metrics/… (1234 bytes recorded, 99 stored)`. */
export function describeProblem(problem: OutputProblem): string {
  if (problem.problem === 'missing') return `missing ${problem.key}`;
  const recorded = problem.recorded?.bytes ?? 0;
  const stored = problem.stored?.bytes ?? 0;
  return recorded === stored
    ? `changed ${problem.key} (another version: ETag ${problem.stored?.etag ?? '?'}, written as ${problem.recorded?.etag ?? '?'})`
    : `changed ${problem.key} (${recorded} bytes written, ${stored} stored)`;
}

/**
 * Marks each wanting day's record failed as `OutputsMissing`, naming what is wanting and how to
 * mend it, unless a newer run owns the record meanwhile. Returns the days marked.
 */
export async function markOutputsMissing(records: RecordStore, wanting: readonly DayVerdict[]): Promise<number> {
  let marked = 0;
  for (const day of wanting) {
    const wrote = await records.upsertDayRun(
      {
        dataset: day.dataset,
        date: day.date,
        status: 'failed',
        error: {
          type: ErrorType.OutputsMissing,
          message:
            `${day.problems.length} output(s) of this succeeded day are not as written: ` +
            `${day.problems.map(describeProblem).join('; ')}. ` +
            `Re-run it: courant backfill --from ${day.date} --to ${day.date} --datasets ${day.dataset} --mode missing`,
        },
      },
      { onlyIfRunId: day.runId },
    );
    if (wrote) marked += 1;
  }
  return marked;
}

export function createVerifyActivities(deps: ActivityDeps) {
  /**
   * The scheduled verification: the succeeded days of the last `lookbackDays` Paris days (up to
   * yesterday) checked as `courant verify` checks them, those wanting marked `OutputsMissing` and
   * counted (`courant_outputs_missing_days_total`). Read-only but for the marks; idempotent.
   */
  async function verifyRecentOutputs(input: VerifyOutputsInput): Promise<VerifyOutputsOutput> {
    const to = previousDate(parisDateOf(new Date()));
    let from = to;
    for (let i = 1; i < input.lookbackDays; i += 1) from = previousDate(from);
    const result = await verifyOutputs(deps, { from, to });
    const marked = await markOutputsMissing(deps.records, result.wanting);
    deps.metrics?.outputsVerified(result.wanting);
    return {
      from,
      to,
      days: result.days,
      outputs: result.outputs,
      marked,
      wanting: result.wanting.map((day) => ({ dataset: day.dataset, date: day.date, problems: day.problems.length })),
    };
  }

  return { verifyRecentOutputs };
}
