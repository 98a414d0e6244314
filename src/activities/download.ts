/** Download activities: one source of one dataset-day to raw storage. */
import { Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { BadDataError } from '../workflow-safe/errors.js';
import { storageKeys } from '../workflow-safe/keys.js';
import type { InputFile } from '../workflow-safe/day-records.js';
import type { ActivityDeps } from './deps.js';
import type { PlannedDownload } from './plan.js';
import { datasetOf } from './dataset-of.js';
import { badDataFailure } from './failures.js';
import { wasBlocked } from './blocked-inputs.js';
import { readRawMeta, writeRawMeta } from './raw-meta.js';
import { fetchSource } from './http-source.js';
import { costStage } from '../cost/ledger.js';

/** One source of a day, as the day's plan gives it. */
export interface DownloadSourceInput extends PlannedDownload {
  readonly dataset: DatasetName;
  readonly date: string;
}

export interface DownloadSourcesInput {
  readonly dataset: DatasetName;
  readonly date: string;
  readonly downloads: readonly PlannedDownload[];
}

/**
 * Once a source gives an accepted body, an earlier refused one is no longer the day's state: it
 * moves under `superseded/`, named by its content (copy first, then delete: safe to repeat).
 */
async function supersedeRefusedBody(objects: ActivityDeps['objects'], input: DownloadSourceInput): Promise<void> {
  const refused = storageKeys.refusedBody(input.dataset, input.date, input.source);
  if (!(await objects.head(refused))) return;
  const body = await objects.get(refused);
  const sha256 = createHash('sha256').update(body).digest('hex');
  const kept = storageKeys.supersededRefusedBody(input.dataset, input.date, input.source, sha256);
  await objects.put(kept, body);
  await objects.delete(refused);
  Context.current().log.info('refused body superseded by an accepted download', { refused, kept });
}

export function createDownloadActivities(deps: ActivityDeps) {
  /**
   * Downloads one source of a day and keeps its bytes under `raw/` with a `.meta.json`.
   * Idempotent: raw files are immutable, so a day already downloaded is reused as it is — except a
   * file a blocking quality check stopped (kept under `quarantine/…/blocked/`): the source is
   * fetched again, in case it was fixed.
   * A body that is not what the dataset expects (HTML, wrong header) is kept under `quarantine/`
   * for inspection and fails non-retryably; network faults and 5xx retry. Once an accepted body
   * is stored, a refused one kept earlier moves under `quarantine/…/superseded/`.
   */
  async function downloadSource(input: DownloadSourceInput): Promise<InputFile> {
    const { module } = datasetOf(deps.datasets, input.dataset);
    const request = { url: input.url, extension: input.extension };
    const key = storageKeys.raw(input.dataset, input.date, input.source, request.extension);
    const stored = await readRawMeta(deps.objects, key);
    const blocked =
      stored !== null &&
      (await wasBlocked(deps.objects, input.dataset, input.date, input.source, stored.sha256, request.extension));
    if (stored && blocked) {
      Context.current().log.info('raw file stopped by a quality check; fetching the source again', { key });
    }
    if (stored && !blocked) {
      Context.current().log.info('raw file already stored; reusing it', { key, sha256: stored.sha256 });
      await supersedeRefusedBody(deps.objects, input);
      return { source: input.source, key, sha256: stored.sha256, bytes: stored.bytes };
    }

    const fetched = await costStage('fetch', () =>
      fetchSource(request.url, deps.sourceTimeoutMs, Context.current().cancellationSignal, (code) =>
        deps.metrics?.sourceRequest(input.dataset, input.source, code),
      ),
    );
    try {
      module.checkDownload?.(input.source, fetched.body, request.url);
    } catch (error) {
      if (!(error instanceof BadDataError)) throw error;
      await deps.objects.put(storageKeys.refusedBody(input.dataset, input.date, input.source), fetched.body);
      throw badDataFailure(error);
    }

    const sha256 = createHash('sha256').update(fetched.body).digest('hex');
    await deps.objects.put(key, fetched.body, { contentType: fetched.contentType ?? 'application/octet-stream' });
    const meta = {
      url: request.url,
      fetchedAt: new Date().toISOString(),
      bytes: fetched.body.byteLength,
      sha256,
      ...(fetched.etag ? { etag: fetched.etag } : {}),
      contentType: fetched.contentType ?? 'application/octet-stream',
    };
    await writeRawMeta(deps.objects, key, meta);
    Context.current().log.info('downloaded source', { key, bytes: meta.bytes, sha256 });
    await supersedeRefusedBody(deps.objects, input);
    return { source: input.source, key, sha256, bytes: meta.bytes };
  }

  /**
   * Downloads every planned source of a day in one task (each as `downloadSource` does, side by
   * side), so that a day's small downloads cost one round trip. Idempotent: a retry reuses the
   * sources already stored. Fails with the first source's failure once every download has ended.
   */
  async function downloadSources(input: DownloadSourcesInput): Promise<InputFile[]> {
    const settled = await Promise.allSettled(
      input.downloads.map((d) => downloadSource({ dataset: input.dataset, date: input.date, ...d })),
    );
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  return { downloadSource, downloadSources };
}
