/**
 * Whether what the records say a day wrote is still in object storage: every output of each
 * succeeded day record, against the size and ETag it was written with (presence alone for records
 * older than those fields); with `deep`, the bytes of each too, against its SHA-256. The objects are listed by folder (`processed/{dataset}`, …: one listing
 * per folder the records name, paged by the store), never asked for one by one. A day found wanting
 * is marked in its record (failed, `OutputsMissing`), so `courant status`, the console and the API
 * show it and `backfill --mode missing` plans it again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sha256OfFile } from '../storage/file-hash.js';
import type { ObjectStore, StoredObjectInfo } from '../storage/object-store.js';
import { readableFile } from '../storage/readable-file.js';
import type { DayRun, DayRunQuery, RecordStore } from '../storage/records.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { parisDateOf, previousDate } from '../workflow-safe/partition.js';
import type { VerifyOutputsInput, VerifyOutputsOutput } from '../workflow-safe/verify-outputs.js';
import type { ActivityDeps } from './deps.js';

export interface OutputProblem {
  readonly key: string;
  readonly problem: 'missing' | 'changed';
  /** What the record says was written and what is stored, for a changed object. */
  readonly recorded?: { readonly bytes: number; readonly etag?: string; readonly sha256?: string };
  readonly stored?: { readonly bytes: number; readonly etag?: string; readonly sha256?: string };
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
  /** Outputs whose bytes were read and hashed (`deep`), against the SHA-256 each was written with. */
  readonly hashed: number;
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

/**
 * The outputs of `run` the listing found as written whose bytes, read and hashed, are not the
 * SHA-256 its record keeps: the same size and ETag can hide other bytes (a disk gone bad, a file
 * copied over in local mode, where there is no ETag).
 */
async function hashProblems(
  objects: ObjectStore,
  run: DayRun,
  keys: readonly string[],
  scratch: string,
): Promise<OutputProblem[]> {
  const problems: OutputProblem[] = [];
  for (const key of keys) {
    const recorded = run.outputFiles?.find((file) => file.key === key);
    if (!recorded) continue;
    // A copy where the store keeps no file in place, removed once hashed.
    const folder = path.join(scratch, 'output');
    try {
      const sha256 = await sha256OfFile((await readableFile(objects, key, folder)).path);
      if (sha256 !== recorded.sha256)
        problems.push({
          key,
          problem: 'changed',
          recorded: { bytes: recorded.bytes, sha256: recorded.sha256 },
          stored: { bytes: recorded.bytes, sha256 },
        });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }
  return problems;
}

/**
 * Checks the succeeded days of the range against a listing of the folders their outputs are in;
 * with `deep`, also reads every output found as written and checks its SHA-256 (one read of every
 * byte: for a disk under suspicion, not for every night).
 */
export async function verifyOutputs(
  stores: { readonly records: RecordStore; readonly objects: ObjectStore },
  query: DayRunQuery,
  options: { readonly deep?: boolean } = {},
): Promise<Verification> {
  const runs = (await stores.records.listDayRuns(query)).filter((run) => run.status === 'succeeded');
  const folders = [...new Set(runs.flatMap((run) => run.outputs.map(folderOf)))].sort();
  // The store itself: a mirror's listing would say nothing of what S3 still holds.
  const listings = await Promise.all(folders.map((folder) => stores.objects.list(folder, { storeOnly: true })));
  const stored = new Map(listings.flat().map((object) => [object.key, object]));
  const wanting: DayVerdict[] = [];
  let hashed = 0;
  const scratch = options.deep === true ? await mkdtemp(path.join(os.tmpdir(), 'courant-verify-')) : null;
  try {
    for (const run of runs) {
      const problems = run.outputs.flatMap((key) => problemOf(run, key, stored.get(key)) ?? []);
      if (scratch !== null && problems.length === 0) {
        problems.push(...(await hashProblems(stores.objects, run, run.outputs, scratch)));
        hashed += run.outputFiles?.length ?? 0;
      }
      if (problems.length > 0) wanting.push({ dataset: run.dataset, date: run.date, runId: run.runId, problems });
    }
  } finally {
    if (scratch !== null) await rm(scratch, { recursive: true, force: true });
  }
  return {
    days: runs.length,
    outputs: runs.reduce((n, run) => n + run.outputs.length, 0),
    folders: folders.length,
    listed: stored.size,
    hashed,
    wanting,
  };
}

/** One line per problem: `missing processed/…` or `changed metrics/… (1234 bytes recorded, 99 stored)`. */
export function describeProblem(problem: OutputProblem): string {
  if (problem.problem === 'missing') return `missing ${problem.key}`;
  const recorded = problem.recorded?.bytes ?? 0;
  const stored = problem.stored?.bytes ?? 0;
  if (problem.stored?.sha256 !== undefined)
    return `changed ${problem.key} (other bytes of the same size: SHA-256 ${problem.stored.sha256}, written as ${problem.recorded?.sha256 ?? '?'})`;
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
