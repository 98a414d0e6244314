/**
 * The files waiting in an inbox, as `courant status` lists them, each with the ingestion that has
 * it as the Temporal server knows it: a file leaves the inbox once every day it covers succeeded,
 * so one still there is being ingested, was ingested and failed (not retried by itself), or waits
 * for its ingestion to start. Only an ingestion the server knows is named: a file fetched by SFTP
 * by the batch its pickup handed it to (`ingest-batch/…`, from its record) or the one the inbox
 * scan started for it, any other file by `ingest/{key}#{content}`.
 */
import path from 'node:path';
import type { WorkflowClient } from '@temporalio/client';
import { ingestionStates, type IngestionState } from '../client/ingestion-state.js';
import { ServiceUnavailableError } from '../faults/service-unavailable.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { RecordStore } from '../storage/records.js';
import { sftpRecordsOfInbox } from '../storage/sftp-inbox-records.js';
import { inboxContentOf, inboxKeys, workflowIds } from '../workflow-safe/keys.js';
import { connectCommandClient } from './command-client.js';
import type { CommandContext } from './context.js';

/** Lines listed at most; the rest are counted. */
const MAX_LISTED = 20;

export interface WaitingDrop {
  readonly dataset: string;
  readonly key: string;
  readonly bytes: number;
}

/**
 * The ingestions of the files listed: by inbox key, the one that runs, else the one that closed
 * last; a file the server knows no ingestion of is absent. `unreachable` when it did not answer.
 */
export type WaitingIngestions =
  { readonly found: ReadonlyMap<string, IngestionState> } | { readonly unreachable: string };

export async function waitingDrops(objects: ObjectStore, datasets: readonly string[]): Promise<WaitingDrop[]> {
  const found: WaitingDrop[] = [];
  for (const dataset of datasets)
    for (const object of await objects.list(inboxKeys.folder(dataset)))
      found.push({ dataset, key: object.key, bytes: object.bytes });
  return found;
}

/** The ingestion IDs a waiting file may be had by, by inbox key: its batch's (read from its SFTP record) and its own. */
async function candidateIds(
  records: RecordStore,
  drops: readonly WaitingDrop[],
  sftpDatasets: ReadonlySet<string>,
): Promise<Map<string, string[]>> {
  const ids = new Map<string, string[]>();
  for (const drop of drops) {
    const content = inboxContentOf(drop.key);
    if (content !== null) ids.set(drop.key, [workflowIds.ingest(drop.key, content)]);
  }
  for (const dataset of sftpDatasets) {
    const keys = drops.filter((d) => d.dataset === dataset && ids.has(d.key)).map((d) => d.key);
    for (const record of await sftpRecordsOfInbox(records, dataset, keys))
      if (record.batch !== undefined) ids.set(record.inboxKey, [record.batch, ...(ids.get(record.inboxKey) ?? [])]);
  }
  return ids;
}

/** The one that runs, else the one that closed last. */
function latest(states: readonly IngestionState[]): IngestionState | undefined {
  return [...states].sort((a, b) => rank(b) - rank(a))[0];
}
const rank = (state: IngestionState) => (state.running ? Number.POSITIVE_INFINITY : state.closedAt.getTime());

async function ingestionsOf(
  workflows: WorkflowClient,
  records: RecordStore,
  drops: readonly WaitingDrop[],
  sftpDatasets: ReadonlySet<string>,
): Promise<Map<string, IngestionState>> {
  const ids = await candidateIds(records, drops, sftpDatasets);
  const states = await ingestionStates(workflows, [...ids.values()].flat());
  const found = new Map<string, IngestionState>();
  for (const [key, candidates] of ids) {
    const state = latest(candidates.flatMap((id) => states.get(id) ?? []));
    if (state) found.set(key, state);
  }
  return found;
}

/** The ingestions of the files the section lists (the first MAX_LISTED), asked of the Temporal server. */
export async function waitingIngestions(
  ctx: CommandContext,
  records: RecordStore,
  drops: readonly WaitingDrop[],
  sftpDatasets: ReadonlySet<string>,
): Promise<WaitingIngestions> {
  const listed = drops.slice(0, MAX_LISTED);
  if (listed.length === 0) return { found: new Map() };
  const connected = await connectCommandClient(ctx).catch((error: unknown) => {
    if (error instanceof ServiceUnavailableError) return error;
    throw error;
  });
  if (connected instanceof ServiceUnavailableError) return { unreachable: connected.message };
  try {
    return { found: await ingestionsOf(connected.client.workflow, records, listed, sftpDatasets) };
  } finally {
    await connected.close();
  }
}

/** What a line says of a file's ingestion. */
function ingestionText(drop: WaitingDrop, seen: WaitingIngestions, sftp: boolean): string {
  if ('unreachable' in seen) return 'ingestion not looked at';
  const state = seen.found.get(drop.key);
  if (state?.running) return `being ingested: ${state.id}`;
  if (state?.status === 'completed') return `ingested, the file left behind: ${state.id}`;
  if (state) return `ingestion ${state.status.replace(/_/g, ' ')}: ${state.id}`;
  if (inboxContentOf(drop.key) === null) return 'its ingestion is named by its content: the inbox scan starts it';
  return sftp
    ? 'no ingestion yet: the next SFTP pickup or inbox scan starts it'
    : 'no ingestion yet: the inbox scan starts it';
}

/** The status section of files waiting in an inbox; empty when there are none. */
export function waitingDropsText(
  drops: readonly WaitingDrop[],
  seen: WaitingIngestions,
  sftpDatasets: ReadonlySet<string>,
): string {
  if (drops.length === 0) return '';
  const lines = drops
    .slice(0, MAX_LISTED)
    .map(
      (d) => `  ${d.dataset}  ${path.posix.basename(d.key)}  (${ingestionText(d, seen, sftpDatasets.has(d.dataset))})`,
    );
  if (drops.length > MAX_LISTED) lines.push(`  … and ${drops.length - MAX_LISTED} more under inbox/*/`);
  const unreachable = 'unreachable' in seen ? ` (their ingestions not looked at: ${seen.unreachable})` : '';
  return (
    `\nFiles waiting in an inbox (${drops.length})${unreachable}, each with its ingestion as the Temporal server knows it — ` +
    `one that failed is not retried by itself: find the cause in its failure, fix it, then courant ingest --file the file again:\n` +
    `${lines.join('\n')}\n`
  );
}
