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
import type { DatasetName } from '../shared/datasets.js';
import { BadDataError, ErrorType } from '../shared/errors.js';
import { storageKeys } from '../shared/keys.js';
import { datasetOf } from './dataset-of.js';
import type { ActivityDeps } from './deps.js';
import { badDataFailure, classifyingBadData } from './failures.js';
import { fetchSource } from './http-source.js';
import { readRawMeta, writeRawMeta } from './raw-meta.js';

export interface ProvisionalDay {
  readonly dataset: DatasetName;
  readonly date: string;
}

export interface ListProvisionalDaysInput {
  readonly from: string;
  readonly to: string;
}

export function createRevisedDaysActivities(deps: ActivityDeps) {
  /**
   * The succeeded days in [from, to] of the datasets with `revisions` whose stored metrics say
   * they ran on provisional inputs, by date then dataset. Read-only.
   */
  async function listProvisionalDays(input: ListProvisionalDaysInput): Promise<ProvisionalDay[]> {
    const revisable = deps.datasets.all.filter((d) => d.module.revisions !== undefined).map((d) => d.module.name);
    if (revisable.length === 0) return [];
    const runs = await deps.records.listDayRuns({ from: input.from, to: input.to, datasets: revisable });
    const days = await Promise.all(
      runs
        .filter((run) => run.status === 'succeeded')
        .map(async (run) => {
          const stored = await deps.records.getMetrics(run.dataset, run.date);
          const revisions = deps.datasets.get(run.dataset).module.revisions;
          return stored && revisions?.provisional(stored.metrics) ? [{ dataset: run.dataset, date: run.date }] : [];
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
    const source = module.revisions?.source;
    const planned = module.inputs(input.date, config).find((i) => i.kind === 'http' && i.source === source);
    if (!module.revisions || planned?.kind !== 'http')
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
      const revised = await classifyingBadData(
        () => module.revisions?.revised({ date: input.date, config, db, file }) ?? false,
      );
      if (!revised) return { revised: false };
      const stored = await readRawMeta(deps.objects, key);
      if (stored?.sha256 === sha256) return { revised: true };
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

  return { listProvisionalDays, takeRevision };
}
