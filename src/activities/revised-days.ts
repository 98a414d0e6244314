/**
 * Revised-days activities: the stored days still provisional of the datasets that declare
 * `revisions`, and taking a day's revision — the revising source fetched again and, when its
 * answer holds the revision, stored as the day's raw file so that a re-run of the day reads it.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { BadDataError, ErrorType } from '../workflow-safe/errors.js';
import { storageKeys } from '../workflow-safe/keys.js';
import { datasetOf } from './dataset-of.js';
import type { ActivityDeps } from './deps.js';
import { badDataFailure, classifyingBadData } from './failures.js';
import { fetchSource } from './http-source.js';
import { refusedReplacement } from './raw-precedence.js';
import { readRawMeta, writeRawMeta } from './raw-meta.js';

export interface ProvisionalDay {
  readonly dataset: DatasetName;
  readonly date: string;
  /** Set when the dataset tells in one request over a range which days have a revision (`revisions.range`). */
  readonly range?: true;
}

export interface FindRevisedDaysInput {
  readonly dataset: DatasetName;
  /** The window, Paris days, inclusive. */
  readonly from: string;
  readonly to: string;
  /** The dataset's provisional days in the window. */
  readonly dates: readonly string[];
}

/** A day whose whole revision is published, with its metrics document before the revision. */
export interface RevisableDay {
  readonly date: string;
  readonly previous: Record<string, unknown>;
}

export interface FoundRevisedDays {
  readonly revised: readonly RevisableDay[];
  /** Days with nothing newer published, or a newer nature for part of the day only (the reason kept in its record). */
  readonly waiting: ReadonlyArray<{ readonly date: string; readonly reason: string | null }>;
}

export interface NoteRevisionInput {
  readonly dataset: DatasetName;
  readonly date: string;
  /** The day's metrics document before its re-run, when the check read it (range checks). */
  readonly previous?: Record<string, unknown>;
}

export interface ListProvisionalDaysInput {
  readonly from: string;
  readonly to: string;
}

/** What a metrics document says a day holds: its `nature` (eCO2mix), else its `status` (weather), else its `source`. */
function kindOf(metrics: Readonly<Record<string, unknown>>): string {
  for (const key of ['nature', 'status', 'source']) if (typeof metrics[key] === 'string') return metrics[key];
  return 'unknown';
}

/** `record` without `key`. */
function without(record: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}

export function createRevisedDaysActivities(deps: ActivityDeps) {
  /**
   * The succeeded days in [from, to] of the datasets with `revisions` whose stored metrics say
   * they ran on provisional inputs, by date then dataset. Read-only.
   */
  async function listProvisionalDays(input: ListProvisionalDaysInput): Promise<ProvisionalDay[]> {
    const revisable = deps.datasets.withCapability('revisions').map((d) => d.module.name);
    if (revisable.length === 0) return [];
    const runs = await deps.records.listDayRuns({ from: input.from, to: input.to, datasets: revisable });
    const days = await Promise.all(
      runs
        .filter((run) => run.status === 'succeeded')
        .map(async (run) => {
          const stored = await deps.records.getMetrics(run.dataset, run.date);
          const revisions = deps.datasets.capability('revisions', run.dataset);
          if (!stored || !revisions?.provisional(stored.metrics)) return [];
          return [{ dataset: run.dataset, date: run.date, ...(revisions.range ? { range: true as const } : {}) }];
        }),
    );
    return days.flat();
  }

  /**
   * Fetches the day's revising source (`revisions.source`) again and asks the module whether the
   * answer holds the revision; when it does, stores it as `raw/{dataset}/dt={date}/{source}.{ext}`,
   * replacing the provisional answer (whose sha256 and URL the new `.meta.json` keeps under
   * `replaces`), and returns true. Idempotent: an answer equal to the stored one is not rewritten.
   * Source faults are classified as downloads are (5xx, timeouts retry; other 4xx are final); an
   * answer that is not the source's fails as BadData.
   */
  async function takeRevision(input: ProvisionalDay): Promise<{ revised: boolean }> {
    const { module, config } = datasetOf(deps.datasets, input.dataset);
    const revisions = deps.datasets.capability('revisions', input.dataset);
    const planned = module.inputs(input.date, config).find((i) => i.kind === 'http' && i.source === revisions?.source);
    if (!revisions || planned?.kind !== 'http')
      throw ApplicationFailure.create({
        type: ErrorType.UnknownDataset,
        nonRetryable: true,
        message: `${input.dataset} has no revising http source`,
      });
    const fetched = await fetchSource(planned.url, deps.sourceTimeoutMs, Context.current().cancellationSignal, (code) =>
      deps.metrics?.sourceRequest(input.dataset, planned.source, code),
    );
    try {
      module.checkDownload?.(planned.source, fetched.body, planned.url);
    } catch (error) {
      if (error instanceof BadDataError) throw badDataFailure(error);
      throw error;
    }
    const sha256 = createHash('sha256').update(fetched.body).digest('hex');
    const key = storageKeys.raw(input.dataset, input.date, planned.source, planned.extension);
    const scratch = await mkdtemp(path.join(deps.scratchDir, 'revision-'));
    const db = await deps.duckdb.connect();
    try {
      const local = path.join(scratch, `${planned.source}.${planned.extension}`);
      await writeFile(local, fetched.body);
      const file = { source: planned.source, key: planned.url, path: local, sha256, order: 0, options: {} };
      const revised = await classifyingBadData(() => revisions.revised({ date: input.date, config, db, file }));
      if (!revised) return { revised: false };
      const stored = await readRawMeta(deps.objects, key);
      if (stored?.sha256 === sha256) return { revised: true };
      const refused = stored
        ? await refusedReplacement(
            deps,
            { module, config },
            {
              date: input.date,
              source: planned.source,
              key,
              storedSha256: stored.sha256,
              body: fetched.body,
              sha256,
            },
          )
        : null;
      if (refused !== null) {
        Context.current().log.warn('revision not taken: the stored raw file is kept', { key, reason: refused });
        return { revised: false };
      }
      await deps.objects.put(key, fetched.body, { contentType: fetched.contentType ?? 'application/octet-stream' });
      await writeRawMeta(deps.objects, key, {
        url: planned.url,
        fetchedAt: new Date().toISOString(),
        bytes: fetched.body.byteLength,
        sha256,
        ...(fetched.etag ? { etag: fetched.etag } : {}),
        contentType: fetched.contentType ?? 'application/octet-stream',
        ...(stored ? { replaces: { sha256: stored.sha256, ...(stored.url ? { url: stored.url } : {}) } } : {}),
      });
      Context.current().log.info('revision stored as the day’s raw file', { key, sha256, replaces: stored?.sha256 });
      return { revised: true };
    } finally {
      db.closeSync();
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /**
   * One request over the window (`revisions.range`) for the dataset's provisional days `dates`:
   * the days whose whole revision is published (each with its metrics before the re-run), and the
   * others. A day offered a newer nature for part of the day only (or all `ND`) keeps the reason
   * in its metrics record under `revision.held`, and loses it once nothing is held any more.
   * Source faults are classified as downloads are; an answer that is not the aggregate fails as BadData.
   */
  async function findRevisedDays(input: FindRevisedDaysInput): Promise<FoundRevisedDays> {
    const { config } = datasetOf(deps.datasets, input.dataset);
    const revisions = deps.datasets.capability('revisions', input.dataset);
    const range = revisions?.range;
    if (!range)
      throw ApplicationFailure.create({
        type: ErrorType.UnknownDataset,
        nonRetryable: true,
        message: `${input.dataset} has no range check of its revisions`,
      });
    const url = range.url(input.from, input.to, config);
    const fetched = await fetchSource(url, deps.sourceTimeoutMs, Context.current().cancellationSignal, (code) =>
      deps.metrics?.sourceRequest(input.dataset, `${revisions?.source ?? 'revisions'}-range`, code),
    );
    const stored = await Promise.all(input.dates.map((date) => deps.records.getMetrics(input.dataset, date)));
    const days = stored.flatMap((record) => (record ? [{ date: record.date, metrics: record.metrics }] : []));
    const verdicts = await classifyingBadData(() => range.read({ body: fetched.body, file: url, days }));
    const revised: RevisableDay[] = [];
    const waiting: Array<{ date: string; reason: string | null }> = [];
    for (const verdict of verdicts) {
      const day = days.find((d) => d.date === verdict.date);
      if (!day) continue;
      if (verdict.revised) revised.push({ date: day.date, previous: { ...day.metrics } });
      else {
        waiting.push({ date: day.date, reason: verdict.reason });
        await keepHeldReason(input.dataset, day.date, day.metrics, verdict.reason);
      }
    }
    if (revised.length > 0 || waiting.some((w) => w.reason !== null))
      Context.current().log.info('revisions looked up over the window', {
        dataset: input.dataset,
        url,
        revised: revised.map((d) => d.date),
        held: waiting.filter((w) => w.reason !== null).map((w) => w.date),
      });
    return { revised, waiting };
  }

  /** Writes `revision.held` of a day's metrics, record and `metrics.json`, when it changes (removed when `reason` is null). */
  async function keepHeldReason(
    dataset: DatasetName,
    date: string,
    metrics: Readonly<Record<string, unknown>>,
    reason: string | null,
  ): Promise<void> {
    const revision = (metrics.revision ?? {}) as Record<string, unknown>;
    const current = (revision.held as { reason?: unknown } | undefined)?.reason ?? null;
    if (current === reason) return;
    const rest = without(revision, 'held');
    const next = reason === null ? rest : { ...rest, held: { reason } };
    const others = without(metrics, 'revision');
    const document = Object.keys(next).length > 0 ? { ...others, revision: next } : { ...others };
    await deps.objects.put(storageKeys.metrics(dataset, date), `${JSON.stringify(document, null, 2)}\n`, {
      contentType: 'application/json',
    });
    await deps.records.upsertMetrics({ dataset, date, metrics: document });
  }

  /**
   * After a day ran again on its revision: counts it in `courant_days_revised_total` (from the
   * nature or status it held to the one it holds now; `provisional` when its metrics before were
   * not read) and, when the metrics before are given and the module has `compare`, keeps what the
   * revision changed under `revision` in its metrics record and `metrics.json`. Idempotent: the
   * same day noted twice gives the same record (the counter counts the notes).
   */
  async function noteRevision(input: NoteRevisionInput): Promise<void> {
    // A dataset this worker does not run fails as UnknownDataset, not as one without the capability.
    datasetOf(deps.datasets, input.dataset);
    const current = await deps.records.getMetrics(input.dataset, input.date);
    if (!current)
      throw ApplicationFailure.create({
        type: ErrorType.DayFailed,
        nonRetryable: true,
        message: `no metrics recorded for ${input.dataset} ${input.date} after its re-run`,
      });
    const metrics = without(current.metrics, 'revision');
    const revisions = deps.datasets.capability('revisions', input.dataset);
    if (input.previous && revisions?.compare) {
      const document = { ...metrics, revision: revisions.compare(input.previous, current.metrics) };
      await deps.objects.put(storageKeys.metrics(input.dataset, input.date), `${JSON.stringify(document, null, 2)}\n`, {
        contentType: 'application/json',
      });
      await deps.records.upsertMetrics({ dataset: input.dataset, date: input.date, metrics: document });
    }
    deps.metrics?.dayRevised(input.dataset, input.previous ? kindOf(input.previous) : 'provisional', kindOf(metrics));
    Context.current().log.info('revised day noted', { dataset: input.dataset, date: input.date });
  }

  return { listProvisionalDays, takeRevision, findRevisedDays, noteRevision };
}
