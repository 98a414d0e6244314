/**
 * Drop activities: files delivered to `inbox/{dataset}/` are claimed into the days they cover
 * (`raw/{dataset}/dt={date}/drop-{sha256}.{ext}.meta.json`, named by content, each naming the bytes
 * stored once at `raw/{dataset}/drops/{sha256}.{ext}`), then removed from the inbox once those days
 * succeeded. A file no day can take is moved to quarantine with its reason.
 */
import { Context } from '@temporalio/activity';
import type { WorkflowClient } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetName } from '../workflow-safe/datasets.js';
import type { ClaimDropOutput } from '../workflow-safe/ingest.js';
import { BadDataError, ErrorType } from '../workflow-safe/errors.js';
import { safeFileName } from '../workflow-safe/imports.js';
import { dropExtension, inboxContentOf, inboxKeys, storageKeys } from '../workflow-safe/keys.js';
import { ingestionStates, type IngestionState } from '../client/ingestion-state.js';
import { sha256OfFile } from '../storage/file-hash.js';
import type { SftpFileRecord } from '../storage/records.js';
import { readableFile } from '../storage/readable-file.js';
import { sftpRecordsOfInbox } from '../storage/sftp-inbox-records.js';
import { datasetOf } from './dataset-of.js';
import { claimLimitError } from './claim-limits.js';
import type { ActivityDeps } from './deps.js';
import { noteHiddenEntries } from './hidden-entries.js';
import { isStorageKey, quarantineOddEntries, renameUnsafeEntries } from './inbox-entries.js';
import { badDataFailure } from './failures.js';
import { readRawMeta, writeRawMeta } from './raw-meta.js';
import { retireRefusals, type ReadWhole } from './refusals.js';
import { observeSftpDelivery, SFTP_BATCH_GRACE_MS } from './sftp-pickup.js';

export interface ClaimDropInput {
  readonly dataset: DatasetName;
  readonly inboxKey: string;
  /** Options given with the file (e.g. `meterId`); `fileName` is added from the key when absent. */
  readonly options?: Readonly<Record<string, string>>;
}

export interface InboxFile {
  readonly dataset: DatasetName;
  readonly key: string;
  readonly bytes: number;
  /**
   * The name the file was dropped under, when it differs from its key's: renamed to a storage key
   * by the scan (inbox-entries.ts), or its name on an SFTP server.
   */
  readonly name?: string;
  /** Its content's SHA-256 (or the 16 hex digits an inbox key starts with), naming its ingestion. */
  readonly content?: string;
}

/** The part of an inbox key after `inbox/{dataset}/`, as the dropped file's name. */
function fileNameOf(inboxKey: string): string {
  return path.posix.basename(inboxKey);
}

/**
 * The last sign of life of the batch a file fetched by SFTP waits for (epoch ms): none to come
 * while its `ingest-batch/…` workflow runs (Infinity), else when it closed; when the pickup handed
 * it to a batch the server does not know, when it handed it; not handed over yet, when it was
 * fetched (its pickup hands it over at its next round).
 */
function lastSignOfLife(record: SftpFileRecord, states: ReadonlyMap<string, IngestionState>): number {
  if (record.batch === undefined) return Date.parse(record.fetchedAt);
  const state = states.get(record.batch);
  if (!state) return Date.parse(record.handedAt ?? record.fetchedAt);
  return state.running ? Number.POSITIVE_INFINITY : state.closedAt.getTime();
}

export function createDropActivities(deps: ActivityDeps, workflows: WorkflowClient) {
  /** Moves a refused file out of the inbox, with its reason beside it, and fails non-retryably. */
  async function quarantine(input: ClaimDropInput, local: string, error: BadDataError): Promise<never> {
    const key = inboxKeys.quarantined(input.dataset, fileNameOf(input.inboxKey));
    await deps.objects.putFile(key, local);
    const dropped = input.options?.fileName;
    const reason = {
      file: input.inboxKey,
      ...(dropped !== undefined && dropped !== fileNameOf(input.inboxKey) ? { droppedAs: dropped } : {}),
      reason: error.message,
      location: error.location,
    };
    await deps.objects.put(`${key}.reason.json`, `${JSON.stringify(reason, null, 2)}\n`, {
      contentType: 'application/json',
    });
    await deps.objects.delete(input.inboxKey);
    Context.current().log.warn('dropped file quarantined', {
      file: input.inboxKey,
      quarantined: key,
      reason: error.message,
    });
    throw badDataFailure(new BadDataError(error.location, `${error.problem} (moved to ${key})`, { cause: error }));
  }

  /**
   * Reads a dropped file, asks its dataset which Paris days it covers, stores its bytes once
   * (named by the content's hash) and gives each of those days a raw file's `.meta.json` naming
   * them, the inbox file, its options and the time of the claim. Idempotent: the same bytes
   * claimed again change nothing. A file of unknown shape, empty, binary, past a reader's bound or
   * limit (DuckDB's line size or memory, a text too long to hold) is quarantined and fails
   * non-retryably; the inbox file is never removed here otherwise.
   */
  async function claimDrop(input: ClaimDropInput): Promise<ClaimDropOutput> {
    const { config } = datasetOf(deps.datasets, input.dataset);
    const drop = deps.datasets.capability('drop', input.dataset);
    if (!drop) {
      throw ApplicationFailure.create({
        type: ErrorType.UnknownDataset,
        nonRetryable: true,
        message: `${input.dataset} takes no dropped files`,
      });
    }
    const options = { fileName: safeFileName(fileNameOf(input.inboxKey)), ...input.options };
    const checked = drop.options.safeParse(options);
    if (!checked.success) {
      throw badDataFailure(
        new BadDataError({ file: input.inboxKey }, `bad options ${JSON.stringify(options)}: ${checked.error.message}`),
      );
    }
    const scratch = await mkdtemp(path.join(deps.scratchDir, 'claim-'));
    const connection = await deps.duckdb.connect();
    try {
      const local = path.join(scratch, safeFileName(fileNameOf(input.inboxKey)));
      await deps.objects.getToFile(input.inboxKey, local);
      const sha256 = await sha256OfFile(local);
      let days: readonly string[];
      try {
        days = await drop.days({
          db: connection,
          path: local,
          file: input.inboxKey,
          sha256,
          options,
          config,
          now: new Date(),
        });
      } catch (error) {
        const refused = error instanceof BadDataError ? error : claimLimitError(error, input.inboxKey);
        if (refused) return await quarantine(input, local, refused);
        throw error;
      }
      if (days.length === 0) {
        return await quarantine(
          input,
          local,
          new BadDataError({ file: input.inboxKey }, 'holds no reading of a day courant can run'),
        );
      }
      const ext = dropExtension(options.fileName);
      const toRun: string[] = [];
      const content = storageKeys.claimedDropContent(input.dataset, sha256, ext);
      const stored = (await deps.objects.head(content)) ?? (await deps.objects.putFile(content, local));
      for (const date of days) {
        const key = storageKeys.claimedDrop(input.dataset, date, sha256, ext);
        if (!(await readRawMeta(deps.objects, key))) {
          await writeRawMeta(deps.objects, key, {
            file: input.inboxKey,
            claimedAt: new Date().toISOString(),
            bytes: stored.bytes,
            sha256,
            contentType: 'application/octet-stream',
            options,
            content,
          });
        }
        const run = await deps.records.getDayRun(input.dataset, date);
        const done = run?.status === 'succeeded' && run.inputs.some((i) => i.key === key);
        if (!done) toRun.push(date);
      }
      Context.current().log.info('claimed dropped file', {
        file: input.inboxKey,
        sha256,
        days: days.length,
        toRun: toRun.length,
      });
      return { sha256, days, toRun };
    } finally {
      connection.closeSync();
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /**
   * Removes a dropped file from the inbox once every day it covers succeeded — only if the inbox
   * still holds the same bytes (a file replaced meanwhile stays for its own ingestion). A file
   * fetched by SFTP has its delay from the server to its days' records observed. Earlier refusals
   * of a file dropped under the same name are retired (`refusals.ts`).
   */
  async function releaseDrop(input: ReleasedDrop): Promise<boolean> {
    const removed = await removeIfUnchanged(deps, input);
    if (removed) await retireRefusalsOf(deps, [removed]);
    return removed !== null;
  }

  /**
   * The files waiting in the inbox of every dataset that takes drops (at most `limit`, oldest keys
   * first), but those an SFTP pickup fetched whose batch still shows life (`leftToTheirBatch`). An entry that is not a regular file or a folder (a symbolic link, a socket…) is moved
   * to quarantine with its reason and logged, once; a file whose name no storage key can hold (a
   * space, an accent, a control character) is renamed to one that can, its original name listed
   * with it (`inbox-entries.ts`). On an object store, where nothing can be renamed, such a key is
   * logged and left for an operator to give with `courant ingest --file`.
   */
  async function listInbox(input: { readonly limit: number }): Promise<InboxFile[]> {
    const found: InboxFile[] = [];
    for (const { module } of deps.datasets.withCapability('drop')) {
      for (const aside of await quarantineOddEntries(deps.objects, module.name)) {
        Context.current().log.warn('inbox entry quarantined unread', { ...aside });
      }
      await noteHiddenEntries(deps.objects, module.name);
      const renamed = new Map((await renameUnsafeEntries(deps.objects, module.name)).map((r) => [r.key, r.name]));
      for (const [key, name] of renamed)
        Context.current().log.info('inbox entry renamed to a storage key', { name, key });
      for (const object of await deps.objects.list(inboxKeys.folder(module.name))) {
        if (path.posix.basename(object.key).startsWith('.')) continue;
        if (!isStorageKey(object.key)) {
          Context.current().log.warn(
            'inbox object named outside the storage layout: give it with courant ingest --file',
            {
              key: JSON.stringify(object.key),
            },
          );
          continue;
        }
        const name = renamed.get(object.key);
        found.push({ dataset: module.name, key: object.key, bytes: object.bytes, ...(name ? { name } : {}) });
      }
    }
    const left = await leftToTheirBatch(found);
    const taken = found.filter((file) => !left.has(file.key)).slice(0, input.limit);
    return Promise.all(taken.map(async (file) => ({ ...file, content: await contentTag(file.key) })));
  }

  /**
   * The inbox keys among `found` that an SFTP pickup fetched and whose batch showed life less than
   * `SFTP_BATCH_GRACE_MS` ago (`lastSignOfLife`): the scan leaves them to it. A file whose batch
   * runs is left to it however long it takes: the scan never starts a second ingestion of a file
   * whose batch is merely slow. One whose batch closed with the file still waiting (it failed), or
   * that no pickup handed over (its server unreachable since), is taken by the scan once the grace
   * is over, as any other file (once: its ingestion's ID is then taken). The records are looked
   * up by key, whatever the name on the server (`sftpRecordsOfInbox`), never the dataset's whole
   * history; the server is asked once about each batch (docs/architecture.md, "Who has a delivery").
   */
  async function leftToTheirBatch(found: readonly InboxFile[]): Promise<Set<string>> {
    const left = new Set<string>();
    const since = Date.now() - SFTP_BATCH_GRACE_MS;
    for (const dataset of new Set(found.map((f) => f.dataset))) {
      if (!deps.sftp?.[dataset]) continue;
      const records = await sftpRecordsOfInbox(
        deps.records,
        dataset,
        found.filter((f) => f.dataset === dataset).map((f) => f.key),
      );
      const states = await ingestionStates(
        workflows,
        records.flatMap((r) => (r.batch === undefined ? [] : [r.batch])),
      );
      for (const record of records) if (lastSignOfLife(record, states) > since) left.add(record.inboxKey);
    }
    return left;
  }

  /**
   * What names an inbox file's content in its ingestion's ID: the hash its key starts with when
   * courant put it there (`courant ingest`, the SFTP pickup), else the hash of its bytes, read.
   */
  async function contentTag(key: string): Promise<string> {
    const named = inboxContentOf(key);
    if (named !== null) return named;
    const scratch = await mkdtemp(path.join(deps.scratchDir, 'inbox-'));
    try {
      return await sha256OfFile((await readableFile(deps.objects, key, scratch, 'file')).path);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  return { claimDrop, releaseDrop, listInbox };
}

/** A dropped file whose every day succeeded, to remove from the inbox. */
export interface ReleasedDrop {
  readonly inboxKey: string;
  readonly sha256: string;
  /** The name the file was dropped under, when it differs from its key's. */
  readonly fileName?: string;
}

/**
 * Removes the file from the inbox if it still holds the same bytes, and observes the delay of a
 * file fetched by SFTP; returns it as read whole, or null when it was gone or replaced.
 */
export async function removeIfUnchanged(deps: ActivityDeps, input: ReleasedDrop): Promise<ReadWhole | null> {
  const scratch = await mkdtemp(path.join(deps.scratchDir, 'release-'));
  try {
    const local = path.join(scratch, 'file');
    if (!(await deps.objects.head(input.inboxKey))) return null;
    await deps.objects.getToFile(input.inboxKey, local);
    if ((await sha256OfFile(local)) !== input.sha256) return null;
    await deps.objects.delete(input.inboxKey);
    const fileName = input.fileName ?? fileNameOf(input.inboxKey);
    await observeSftpDelivery(deps, { inboxKey: input.inboxKey, sha256: input.sha256, name: fileName });
    return { fileName, inboxKey: input.inboxKey };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Retires the refusals of files dropped under the names of `read`, one listing of each dataset's quarantine. */
export async function retireRefusalsOf(deps: ActivityDeps, read: readonly ReadWhole[]): Promise<void> {
  const byDataset = new Map<string, ReadWhole[]>();
  for (const file of read) {
    const dataset = file.inboxKey.split('/')[1] ?? '';
    byDataset.set(dataset, [...(byDataset.get(dataset) ?? []), file]);
  }
  for (const [dataset, files] of byDataset)
    for (const { refused, retiredBy } of await retireRefusals(deps.objects, dataset, files))
      Context.current().log.info('refusal retired: a file of the same name was read whole', {
        refused,
        file: retiredBy,
      });
}
