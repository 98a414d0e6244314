/**
 * The stored tables billing reads, as files DuckDB can open (the store's own file where it keeps
 * one, else a copy in `dir`): `contract_events` of every usable Enedis day before `until`,
 * `index_readings` of the usable days `readingDays`, the go-live snapshot, and the days billing may
 * not read with why (docs/billing.md, "Days billing reads"): a day is usable when its record says
 * its run succeeded (a blocking check accepted by an operator included); a day failed, refused by
 * a check, still running, or with tables and no record of its run is not. The usable days of a
 * month before `folding.before` are read from the month's events fold (`event-folds.ts`) when one is
 * stored or `folding.fill` writes it; nothing else is written.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { EVENT_TABLE, INDEX_TABLE } from '../datasets/enedis/day-transform.js';
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store.js';
import type { DayRunSummary, RecordStore } from '../storage/records.js';
import { readableFile } from '../storage/readable-file.js';
import { BILLING_DATASET } from '../workflow-safe/billing.js';
import { billingKeys, storageKeys } from '../workflow-safe/keys.js';
import { eventFolds, NO_FOLDING, type EventFolding } from './event-folds.js';
import type { UnusableDay } from './month/usable-days.js';

const EVENT_KEY = new RegExp(`^processed/${BILLING_DATASET}/dt=(\\d{4}-\\d{2}-\\d{2})/${EVENT_TABLE}\\.parquet$`);

/** A why of the day's record, one line at most. */
const WHY_LENGTH = 160;

export interface BillingTables {
  readonly eventFiles: string[];
  readonly readingFiles: string[];
  readonly snapshotFiles: string[];
  readonly unusable: UnusableDay[];
  /** The day records read: each day of the window with a record, and its run if it succeeded (`dayRunsRead`). */
  readonly read: DaysRead;
}

/** The day records a billing read: per day, the run ID of its succeeded run, or null (not usable then). */
export type DaysRead = ReadonlyMap<string, string | null>;

/** The run of a day that counts for billing: its run ID when it succeeded, else null. */
const usableRun = (run: DayRunSummary): string | null => (whyNotUsable(run) === null ? run.runId : null);

async function readable(objects: ObjectStore, key: string, dir: string, name: string): Promise<string | null> {
  try {
    return (await readableFile(objects, key, path.join(dir, name))).path;
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return null;
    throw error;
  }
}

/** Why billing may not read the day of `run` (none: it may). */
function whyNotUsable(run: DayRunSummary | undefined): string | null {
  if (run === undefined) return 'no record of its run';
  if (run.status === 'succeeded') return null;
  const error = run.error === null ? '' : `: ${run.error.type}, ${run.error.message}`;
  const why = `${run.status}${error}`;
  return why.length > WHY_LENGTH ? `${why.slice(0, WHY_LENGTH - 1)}…` : why;
}

/** See the module's doc. `until` is a date `YYYY-MM-DD` (exclusive); `folding`: the past months read as folds. */
export async function storedBillingTables(
  objects: ObjectStore,
  records: RecordStore,
  dir: string,
  until: string,
  readingDays: readonly string[],
  folding: EventFolding = NO_FOLDING,
): Promise<BillingTables> {
  const eventDays = (await objects.list(storageKeys.processedFolder(BILLING_DATASET)))
    .map((object) => EVENT_KEY.exec(object.key)?.[1])
    .filter((date): date is string => date !== undefined && date < until)
    .sort();
  const eventDaySet = new Set(eventDays);
  const days = [...new Set([...eventDays, ...readingDays])].sort();
  const runs = new Map(
    days.length === 0
      ? []
      : (
          await records.listDayRunSummaries({
            from: days[0] ?? until,
            to: days.at(-1) ?? until,
            datasets: [BILLING_DATASET],
          })
        ).map((run) => [run.date, run]),
  );
  const read = new Map<string, string | null>();
  const tables: BillingTables = { eventFiles: [], readingFiles: [], snapshotFiles: [], unusable: [], read };
  const eventTable = (date: string) =>
    readable(objects, storageKeys.processed(BILLING_DATASET, date, EVENT_TABLE), dir, date);
  const usableEventDays = eventDays.flatMap((date) => {
    const run = runs.get(date);
    return run !== undefined && usableRun(run) !== null ? [{ date, runId: run.runId }] : [];
  });
  const folds = await eventFolds(objects, dir, usableEventDays, folding, eventTable);
  tables.eventFiles.push(...folds.values());
  for (const date of days) {
    const run = runs.get(date);
    // A usable day of a folded month has its events in the fold.
    const folded = folds.has(date.slice(0, 7)) && run !== undefined && usableRun(run) !== null;
    const eventFile = eventDaySet.has(date) && !folded ? await eventTable(date) : null;
    const readingFile = readingDays.includes(date)
      ? await readable(objects, storageKeys.processed(BILLING_DATASET, date, INDEX_TABLE), dir, date)
      : null;
    if (run !== undefined) read.set(date, usableRun(run));
    // A day of no record and no table is a day not delivered yet: nothing to leave out.
    if (run === undefined && eventFile === null && readingFile === null) continue;
    const why = whyNotUsable(run);
    if (why === null) {
      if (eventFile !== null) tables.eventFiles.push(eventFile);
      if (readingFile !== null) tables.readingFiles.push(readingFile);
    } else
      tables.unusable.push({
        date,
        why,
        ...(eventFile === null ? {} : { eventFile }),
        ...(readingFile === null ? {} : { readingFile }),
      });
  }
  const snapshot = await readable(objects, billingKeys.snapshot(), dir, 'snapshot');
  if (snapshot !== null) tables.snapshotFiles.push(snapshot);
  return tables;
}

/**
 * The days that succeeded since `read` was taken (a run ID billing did not read), among those that
 * move the month: a day it read, a reading day of `readingDays`, or a day with a C15 events table.
 * What makes the month older than its days: it is billed again for them. `from` and `until` bound
 * the window read (`until` exclusive).
 */
export async function daysSucceededSince(
  objects: ObjectStore,
  records: RecordStore,
  window: { readonly from: string; readonly until: string; readonly readingDays: readonly string[] },
  read: DaysRead,
): Promise<string[]> {
  const runs = await records.listDayRunSummaries({ from: window.from, to: window.until, datasets: [BILLING_DATASET] });
  const late: string[] = [];
  for (const run of runs) {
    if (run.date >= window.until) continue;
    const now = usableRun(run);
    if (now === null || read.get(run.date) === now) continue;
    const moves =
      read.has(run.date) ||
      window.readingDays.includes(run.date) ||
      (await objects.head(storageKeys.processed(BILLING_DATASET, run.date, EVENT_TABLE))) !== null;
    if (moves) late.push(run.date);
  }
  return late.sort();
}

/**
 * A digest of the day records read (`sha256` over each day, its run or none, in day order), with how
 * many: what the month's record keeps to say which days its version read.
 */
export function watermarkOf(read: DaysRead): { readonly days: number; readonly sha256: string } {
  const lines = [...read.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, run]) => `${date} ${run ?? '-'}`);
  return { days: read.size, sha256: createHash('sha256').update(lines.join('\n')).digest('hex') };
}
