/**
 * RecordStore on MongoDB (or a wire-compatible server). Documents are keyed `{dataset}/{date}`.
 * Beside each day record, a compact status document (`day_statuses`) written by the same upsert:
 * what lists of many days read.
 */
import {
  MongoBulkWriteError,
  MongoClient,
  MongoServerError,
  type AnyBulkWriteOperation,
  type Collection,
  type Document,
  type WriteError,
} from 'mongodb';
import pLimit from 'p-limit';
import type { DayStatus } from '../workflow-safe/backfill.js';
import { datesInRange } from '../workflow-safe/partition.js';
import {
  RECORD_TABLES,
  type DayRun,
  type DayRunPatch,
  type DayRunQuery,
  type DayRunSummary,
  type LeaseClaim,
  type MetricsRecord,
  type RecordStore,
  type ReportRecord,
  type SftpFaultRecord,
  type SftpFileRecord,
} from './records.js';
import {
  dayRunSchema,
  dayRunSummarySchema,
  dayStatusSchema,
  metricsRecordSchema,
  recordStatusSchema,
  reportRecordSchema,
  leaseKey,
  leaseSchema,
  sftpFaultPartition,
  sftpInboxNameSchema,
  sftpInboxPartition,
  sftpFaultRecordSchema,
  sftpFileRecordSchema,
} from './record-schemas.js';

interface Keyed extends Document {
  _id: string;
}

const dayKey = (dataset: string, date: string) => `${dataset}/${date}`;
/** Keys looked up by one `$in` query: a bounded request, however many names a folder lists. */
const KEYS_PER_QUERY = 1_000;
const DUPLICATE_KEY = 11000;

/** The index of each write of a bulk write refused for a duplicate key; any other error is thrown again. */
function collidedWrites(error: unknown): number[] {
  if (!(error instanceof MongoBulkWriteError)) throw error;
  const errors: WriteError[] = [error.writeErrors].flat();
  if (!errors.every((e) => e.code === DUPLICATE_KEY)) throw error;
  return errors.map((e) => e.index);
}

/** A day record that `runId` may take: none running, or its own. */
const notHeldFrom = (runId: string): Document => ({ $or: [{ status: { $ne: 'running' } }, { runId }] });

/**
 * A range of at most this many (dataset, day) keys is read key by key where only `_id` lookups use
 * an index (a month of seven datasets is 217): on FerretDB a range filter decodes every document
 * of the collection, while a lookup by `_id` reads one document through the index.
 */
const ID_LOOKUP_LIMIT = 400;
/** Lookups by `_id` in flight at once. */
const ID_LOOKUP_CONCURRENCY = 8;
/**
 * Writes FerretDB 1.x applies in one command. Over SQLite it keeps the connection of each update
 * that matched a document until the command ends, from one pool of 100 shared by all commands, and
 * an update that finds the pool empty waits for good: one bulk write replacing 100 stored documents
 * never returns, nor do four of 32 at once (FerretDB 1.24). Bulk writes go to FerretDB in commands
 * of this many, at most FERRETDB_COMMANDS_AT_ONCE of a store at once.
 */
const FERRETDB_WRITES_PER_COMMAND = 16;
/** This store's bulk-write commands in flight on FerretDB: 32 of its 100 connections at most. */
const FERRETDB_COMMANDS_AT_ONCE = 2;
/** How long a call waits for the server's first word before failing. */
const SERVER_SILENT_MS = 60_000;
/** What a status document is made of, read from its day record. */
const RECORD_STATUS_FIELDS = { dataset: 1, date: 1, status: 1, runId: 1, 'error.type': 1 } as const;
const STATUS_FIELDS = { _id: 0, dataset: 1, date: 1, status: 1, errorType: 1 } as const;
/** What a day's summary is made of, read from its record (`_id` kept to name it). */
const SUMMARY_FIELDS = { dataset: 1, date: 1, status: 1, runId: 1, error: 1 } as const;
/**
 * The compact status of each day record, in a collection of its own under the same prefix. FerretDB
 * decodes every document a range query reads, at a cost that grows with its fields: a status
 * document holds only what the grid shows.
 */
const DAY_STATUSES = 'day_statuses';
/** The document of `day_statuses` saying that every record older than the collection has its status. */
const FILLED_IN = '~filled-in';
/** The document of `day_statuses` saying that the statuses of older records were given their run ID. */
const RUN_IDS_FILLED_IN = '~run-ids-filled-in';
/** Status documents written at once when filling in those of records older than the collection. */
const BACKFILL_BATCH = 1_000;

/** The status document of a day record: its run ID, and its error type only when it failed. */
function statusDocument(record: Document): Keyed {
  const { dataset, date, status, runId, error } = recordStatusSchema.parse(record);
  return {
    _id: dayKey(dataset, date),
    dataset,
    date,
    status,
    ...(runId === undefined ? {} : { runId }),
    ...(error ? { errorType: error.type } : {}),
  };
}

/** The keys of the days of `query`, when it names its datasets and holds few enough; else null. */
function lookupKeys(query: DayRunQuery): string[] | null {
  const { datasets } = query;
  if (!datasets || query.to < query.from) return null;
  const days = (Date.parse(`${query.to}T00:00:00Z`) - Date.parse(`${query.from}T00:00:00Z`)) / 86_400_000 + 1;
  if (!(days * datasets.length <= ID_LOOKUP_LIMIT)) return null;
  const ordered = [...datasets].sort();
  return datesInRange(query.from, query.to).flatMap((date) => ordered.map((dataset) => dayKey(dataset, date)));
}

/** A read of one dataset over few enough days to be read key by key: where most keys have a record. */
function isShortRead(query: DayRunQuery): boolean {
  return query.datasets?.length === 1 && lookupKeys(query) !== null;
}

function rangeFilter(query: DayRunQuery): Document {
  const filter: Document = { date: { $gte: query.from, $lte: query.to } };
  if (query.datasets) filter.dataset = { $in: [...query.datasets] };
  return filter;
}

export class MongoRecordStore implements RecordStore {
  readonly location: string;
  private readonly dayRuns: Collection<Keyed>;
  private readonly dayStatuses: Collection<Keyed>;
  private filledIn = false;
  private readonly metrics: Collection<Keyed>;
  private readonly reports: Collection<Keyed>;
  private readonly sftpFiles: Collection<Keyed>;
  /** Runs a bulk write's command: on FerretDB, a few at once (FERRETDB_COMMANDS_AT_ONCE). */
  private readonly command: <T>(send: () => Promise<T>) => Promise<T>;

  private constructor(
    private readonly client: MongoClient,
    prefix: string,
    location: string,
    /**
     * The server is FerretDB 1.x over SQLite, whose two limits this store works around: it finds a
     * document through its `_id` index only when the filter has nothing but `_id` (a condition
     * beside it reads the whole collection, a cost that grows with the records),
     * so conditional writes read first and short ranges are read key by key; and a bulk write of
     * many updates can wait for good (FERRETDB_WRITES_PER_COMMAND), so bulk writes go in parts.
     */
    private readonly onFerretDb: boolean,
  ) {
    this.location = location;
    const db = client.db();
    const [dayRuns, metrics, reports, sftpFiles] = RECORD_TABLES;
    this.dayRuns = db.collection<Keyed>(`${prefix}${dayRuns}`);
    this.dayStatuses = db.collection<Keyed>(`${prefix}${DAY_STATUSES}`);
    this.metrics = db.collection<Keyed>(`${prefix}${metrics}`);
    this.reports = db.collection<Keyed>(`${prefix}${reports}`);
    this.sftpFiles = db.collection<Keyed>(`${prefix}${sftpFiles}`);
    this.command = onFerretDb ? pLimit(FERRETDB_COMMANDS_AT_ONCE) : (send) => send();
  }

  /**
   * `operations` (unordered) in one command, or on FerretDB in commands of at most
   * FERRETDB_WRITES_PER_COMMAND. `sent` is given each command's part and where it starts.
   */
  private async inCommands(
    operations: readonly AnyBulkWriteOperation<Keyed>[],
    sent: (part: AnyBulkWriteOperation<Keyed>[], start: number) => Promise<void>,
  ): Promise<void> {
    const size = this.onFerretDb ? FERRETDB_WRITES_PER_COMMAND : operations.length;
    const parts: Promise<void>[] = [];
    for (let start = 0; start < operations.length; start += size)
      parts.push(this.command(() => sent(operations.slice(start, start + size), start)));
    // Every part ends before the call does (a retry never overlaps a part still writing).
    const failed = (await Promise.allSettled(parts)).find((part) => part.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Every write of `operations`, unordered; a write refused fails the call. */
  private async writeAll(collection: Collection<Keyed>, operations: readonly AnyBulkWriteOperation<Keyed>[]) {
    await this.inCommands(operations, async (part) => {
      await collection.bulkWrite(part, { ordered: false });
    });
  }

  /** The same, returning the index (in `operations`) of each write refused for a duplicate key. */
  private async writeAllButCollisions(
    collection: Collection<Keyed>,
    operations: readonly AnyBulkWriteOperation<Keyed>[],
  ): Promise<number[]> {
    const collided: number[] = [];
    await this.inCommands(operations, async (part, start) => {
      try {
        await collection.bulkWrite(part, { ordered: false });
      } catch (error) {
        collided.push(...collidedWrites(error).map((i) => i + start));
      }
    });
    return collided.sort((a, b) => a - b);
  }

  /**
   * Connects once; the caller owns the store and closes it. A call the server leaves without a
   * word for `silentForMs` fails (MongoNetworkTimeoutError, retried as transient I/O) instead of
   * waiting for good; so does a connection it does not open in that time (the driver's retry of
   * a read opens one).
   */
  static async connect(url: string, prefix: string, silentForMs = SERVER_SILENT_MS): Promise<MongoRecordStore> {
    const client = new MongoClient(url, {
      serverSelectionTimeoutMS: 5_000,
      socketTimeoutMS: silentForMs,
      connectTimeoutMS: silentForMs,
      appName: 'courant',
    });
    await client.connect();
    const parsed = new URL(url);
    const build = await client.db().admin().command({ buildInfo: 1 });
    const ferretdb = typeof build.ferretdbVersion === 'string';
    return new MongoRecordStore(client, prefix, `${parsed.protocol}//${parsed.host}${parsed.pathname}`, ferretdb);
  }

  async ensureSchema(): Promise<void> {
    await this.dayRuns.createIndex({ date: 1, dataset: 1 }, { name: 'by_date' });
    await this.dayRuns.createIndex({ status: 1, date: 1 }, { name: 'by_status' });
    await this.dayStatuses.createIndex({ date: 1, dataset: 1 }, { name: 'by_date' });
    if (!(await this.statusesFilledIn())) {
      await this.backfillStatuses();
      await this.markStatuses(FILLED_IN);
      this.filledIn = true;
    }
    if ((await this.dayStatuses.findOne({ _id: RUN_IDS_FILLED_IN }, { projection: { _id: 1 } })) === null) {
      await this.fillInRunIds();
      await this.markStatuses(RUN_IDS_FILLED_IN);
    }
  }

  private async markStatuses(marker: string): Promise<void> {
    await this.dayStatuses.replaceOne({ _id: marker }, { at: new Date().toISOString() }, { upsert: true });
  }

  /**
   * Gives the status documents written before they carried a run ID the run ID of their record,
   * once. Each is set only where the status still has no run ID and says the status read from the
   * record; a second look then rewrites, from its record as it now stands, any status whose run ID
   * is not its record's (a day run again meanwhile by a process of an older release). A status
   * such a process writes later has no run ID again, which {@link listDayRunSummaries} reads from
   * its record.
   */
  private async fillInRunIds(): Promise<void> {
    const updates: AnyBulkWriteOperation<Keyed>[] = [];
    for await (const record of this.dayRuns.find({}, { projection: RECORD_STATUS_FIELDS })) {
      const { _id, status, runId } = statusDocument(record);
      if (typeof runId === 'string')
        updates.push({
          updateOne: { filter: { _id, status, runId: { $exists: false } }, update: { $set: { runId } } },
        });
    }
    await this.writeAll(this.dayStatuses, updates);
    const runIds = new Map<string, unknown>();
    for await (const record of this.dayRuns.find({}, { projection: { runId: 1 } }))
      runIds.set(record._id, record.runId);
    for await (const status of this.dayStatuses.find({ runId: { $exists: true } }, { projection: { runId: 1 } }))
      if (runIds.has(status._id) && runIds.get(status._id) !== status.runId) await this.writeStatus(status._id);
  }

  /**
   * Writes the status document of every day record that has none (records written before the
   * collection existed), once: inserts only, so a status written meanwhile by an upsert stays, and
   * two processes starting at once write each one once.
   */
  private async backfillStatuses(): Promise<void> {
    let batch: Keyed[] = [];
    const flush = async () => {
      const documents = batch;
      batch = [];
      try {
        await this.dayStatuses.insertMany(documents, { ordered: false });
      } catch (error) {
        // Another process inserted some of them first: those are there, which is all that is asked.
        const collisions =
          error instanceof MongoBulkWriteError &&
          error.writeErrors instanceof Array &&
          error.writeErrors.every((e) => e.code === DUPLICATE_KEY);
        if (!collisions) throw error;
      }
    };
    for await (const record of this.dayRuns.find({}, { projection: RECORD_STATUS_FIELDS })) {
      batch.push(statusDocument(record));
      if (batch.length >= BACKFILL_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
  }

  /** Sets the status document of the day record `_id` from the record as it now stands. */
  private async writeStatus(_id: string): Promise<void> {
    const record = await this.dayRuns.findOne({ _id }, { projection: RECORD_STATUS_FIELDS });
    if (!record) return;
    const { _id: key, ...status } = statusDocument(record);
    await this.dayStatuses.replaceOne({ _id: key }, status, { upsert: true });
  }

  /**
   * Writes the day record, then, when the patch sets its status or error, its status document from
   * the record as written: two writes, the second by `_id` alone. A day's workflow has one open run
   * at a time, so the status follows its record; an activity stopped between the two is retried and
   * writes both again.
   */
  async upsertDayRun(patch: DayRunPatch, options: { onlyIfRunId?: string } = {}): Promise<boolean> {
    const wrote = await this.writeDayRun(patch, options);
    if (wrote && ('status' in patch || 'error' in patch)) await this.writeStatus(dayKey(patch.dataset, patch.date));
    return wrote;
  }

  private async writeDayRun(patch: DayRunPatch, options: { onlyIfRunId?: string }): Promise<boolean> {
    const conditional = options.onlyIfRunId !== undefined || patch.attempt !== undefined;
    if (this.onFerretDb && conditional) return this.upsertDayRunReadFirst(patch, options);
    const { dataset, date, ...fields } = patch;
    const filter: Document = { _id: dayKey(dataset, date) };
    if (options.onlyIfRunId !== undefined) filter.runId = options.onlyIfRunId;
    if (fields.attempt !== undefined)
      filter.$or = [{ attempt: { $exists: false } }, { attempt: { $lte: fields.attempt } }];
    try {
      const result = await this.dayRuns.updateOne(
        filter,
        { $set: { dataset, date, ...fields } },
        { upsert: options.onlyIfRunId === undefined },
      );
      return result.matchedCount + result.upsertedCount > 0;
    } catch (error) {
      // The record exists but the filter refused it (a newer attempt owns it): the upsert's insert collides.
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  /**
   * The same conditions as {@link writeDayRun}, checked on the record read by `_id`, then the
   * write by `_id` alone: two operations instead of one. A day's workflow has one open run at a
   * time, so only an activity of a run already ended could write between them, and the owning
   * run's next write sets the record right. An insert that collides reads again.
   */
  private async upsertDayRunReadFirst(patch: DayRunPatch, options: { onlyIfRunId?: string }): Promise<boolean> {
    const { dataset, date, ...fields } = patch;
    const _id = dayKey(dataset, date);
    const current = await this.dayRuns.findOne({ _id });
    if (current) {
      if (options.onlyIfRunId !== undefined && current.runId !== options.onlyIfRunId) return false;
      const attempt: unknown = current.attempt;
      if (fields.attempt !== undefined && typeof attempt === 'number' && attempt > fields.attempt) return false;
      const result = await this.dayRuns.updateOne({ _id }, { $set: { dataset, date, ...fields } });
      return result.matchedCount > 0;
    }
    if (options.onlyIfRunId !== undefined) return false;
    try {
      await this.dayRuns.insertOne({ _id, dataset, date, ...fields });
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY)
        return this.upsertDayRunReadFirst(patch, options);
      throw error;
    }
  }

  async putDayRuns(runs: readonly DayRun[]): Promise<void> {
    if (runs.length === 0) return;
    await this.writeAll(
      this.dayRuns,
      runs.map((run) => ({
        replaceOne: { filter: { _id: dayKey(run.dataset, run.date) }, replacement: { ...run }, upsert: true },
      })),
    );
    await this.writeStatuses(runs);
  }

  /** The status documents of `runs`, each replaced from its record as given, in bulk writes. */
  private async writeStatuses(runs: readonly DayRun[]): Promise<void> {
    await this.writeAll(
      this.dayStatuses,
      runs.map((run) => {
        const { _id, ...status } = statusDocument(run);
        return { replaceOne: { filter: { _id }, replacement: status, upsert: true } };
      }),
    );
  }

  async openDayRuns(runs: readonly DayRun[], read?: ReadonlyMap<string, DayRun>): Promise<string[]> {
    if (runs.length === 0) return [];
    const held = this.onFerretDb ? await this.openDayRunsReadFirst(runs, read) : await this.openDayRunsAtOnce(runs);
    await this.writeStatuses(runs.filter((run) => !held.has(run.date)));
    return runs.filter((run) => held.has(run.date)).map((run) => run.date);
  }

  /** One conditional replace per day in one bulk write: a day held by another run collides on its key. */
  private async openDayRunsAtOnce(runs: readonly DayRun[]): Promise<Set<string>> {
    const collided = await this.writeAllButCollisions(
      this.dayRuns,
      runs.map((run) => ({
        replaceOne: {
          filter: { _id: dayKey(run.dataset, run.date), ...notHeldFrom(run.runId) },
          replacement: { ...run },
          upsert: true,
        },
      })),
    );
    return new Set(collided.map((i) => runs[i]?.date ?? ''));
  }

  /**
   * The same, for a store that finds documents by `_id` alone ({@link onFerretDb}): the records
   * read by `_id`, then a day held by no other run replaced by `_id`, or inserted (an insert that
   * collides is a day another run took meanwhile). As with {@link upsertDayRunReadFirst}, a run
   * could take an existing record between the read and the write.
   */
  private async openDayRunsReadFirst(
    runs: readonly DayRun[],
    read?: ReadonlyMap<string, DayRun>,
  ): Promise<Set<string>> {
    const limit = pLimit(ID_LOOKUP_CONCURRENCY);
    const current: ReadonlyArray<Document | null> = read
      ? runs.map((run) => read.get(run.date) ?? null)
      : await Promise.all(runs.map((run) => limit(() => this.dayRuns.findOne({ _id: dayKey(run.dataset, run.date) }))));
    const held = new Set<string>();
    const writes: AnyBulkWriteOperation<Keyed>[] = [];
    const written: DayRun[] = [];
    runs.forEach((run, i) => {
      const found = current[i];
      if (found && found.status === 'running' && found.runId !== run.runId) held.add(run.date);
      else {
        const _id = dayKey(run.dataset, run.date);
        written.push(run);
        writes.push(
          found
            ? { replaceOne: { filter: { _id }, replacement: { ...run } } }
            : { insertOne: { document: { _id, ...run } } },
        );
      }
    });
    for (const i of await this.writeAllButCollisions(this.dayRuns, writes)) held.add(written[i]?.date ?? '');
    return held;
  }

  async getDayRun(dataset: string, date: string): Promise<DayRun | null> {
    const doc = await this.dayRuns.findOne({ _id: dayKey(dataset, date) });
    return doc ? dayRunSchema.parse(doc) : null;
  }

  /**
   * On FerretDB, unless the query is a few days of one dataset (read key by key), the days are
   * found in the status documents first and, when they are few enough (ID_LOOKUP_LIMIT), only
   * their records read, by `_id`: a range read there decodes every record of the collection, and a
   * day with no record costs a lookup of its own. More days than that are read by the range filter,
   * as a lookup costs several times what the filter spends on one record.
   */
  async listDayRuns(query: DayRunQuery): Promise<DayRun[]> {
    const viaStatuses =
      this.onFerretDb && !isShortRead(query) && (await this.statusesFilledIn())
        ? await this.recordsOfStatuses(query)
        : null;
    const found = viaStatuses ?? (await this.findDays(this.dayRuns, query));
    return found.map((doc) => dayRunSchema.parse(doc));
  }

  /**
   * The records of the status documents of `query`, in their order (one written meanwhile without
   * its status yet is left out); null when there are more than ID_LOOKUP_LIMIT.
   */
  private async recordsOfStatuses(query: DayRunQuery): Promise<Document[] | null> {
    const keys = (await this.findDays(this.dayStatuses, query, { _id: 1 })).map((status) => String(status._id));
    if (keys.length > ID_LOOKUP_LIMIT) return null;
    const limit = pLimit(ID_LOOKUP_CONCURRENCY);
    const records = await Promise.all(keys.map((_id) => limit(() => this.dayRuns.findOne({ _id }))));
    return records.filter((doc): doc is Keyed => doc !== null);
  }

  /**
   * On FerretDB, from the status documents (one range read of small documents), and from the
   * records by `_id` only for the days that did not succeed (their error) and those whose status
   * has no run ID; elsewhere from the records' fields.
   */
  async listDayRunSummaries(query: DayRunQuery): Promise<DayRunSummary[]> {
    if (!this.onFerretDb || !(await this.statusesFilledIn())) {
      const found = await this.findDays(this.dayRuns, query, SUMMARY_FIELDS);
      return found.map((doc) => dayRunSummarySchema.parse(doc));
    }
    const statuses = await this.findDays(this.dayStatuses, query, { dataset: 1, date: 1, status: 1, runId: 1 });
    const limit = pLimit(ID_LOOKUP_CONCURRENCY);
    const summaries = await Promise.all(
      statuses.map((status) =>
        status.status === 'succeeded' && typeof status.runId === 'string'
          ? Promise.resolve({ ...status, error: null })
          : limit(() => this.dayRuns.findOne({ _id: String(status._id) }, { projection: SUMMARY_FIELDS })),
      ),
    );
    return summaries.flatMap((doc) => (doc === null ? [] : [dayRunSummarySchema.parse(doc)]));
  }

  /**
   * Read from the status documents: on FerretDB a range filter decodes each document whole, and
   * these are small. Until the statuses of older records are filled in (by a start of the worker),
   * read from the day records themselves, slower but complete.
   */
  async listDayStatuses(query: DayRunQuery): Promise<DayStatus[]> {
    if (await this.statusesFilledIn()) {
      const found = await this.findDays(this.dayStatuses, query, STATUS_FIELDS);
      return found.map((doc) => dayStatusSchema.parse(doc));
    }
    const found = await this.findDays(this.dayRuns, query, RECORD_STATUS_FIELDS);
    return found.map((doc) => dayStatusSchema.parse(statusDocument(doc)));
  }

  /** Whether `day_statuses` holds the status of every record; once true, true for good. */
  private async statusesFilledIn(): Promise<boolean> {
    this.filledIn ||= (await this.dayStatuses.findOne({ _id: FILLED_IN }, { projection: { _id: 1 } })) !== null;
    return this.filledIn;
  }

  /** The documents of `query` in date then dataset order: by `_id` where only those lookups are indexed and the range is short. */
  private async findDays(
    collection: Collection<Keyed>,
    query: DayRunQuery,
    projection?: Document,
  ): Promise<Document[]> {
    const keys = this.onFerretDb ? lookupKeys(query) : null;
    if (keys) {
      const limit = pLimit(ID_LOOKUP_CONCURRENCY);
      const found = await Promise.all(keys.map((_id) => limit(() => collection.findOne({ _id }, { projection }))));
      return found.filter((doc): doc is Keyed => doc !== null);
    }
    return collection.find(rangeFilter(query), { projection }).sort({ date: 1, dataset: 1 }).toArray();
  }

  async upsertMetrics(record: MetricsRecord): Promise<void> {
    await this.metrics.replaceOne({ _id: dayKey(record.dataset, record.date) }, { ...record }, { upsert: true });
  }

  async putMetricsRecords(records: readonly MetricsRecord[]): Promise<void> {
    await this.writeAll(
      this.metrics,
      records.map((record) => ({
        replaceOne: { filter: { _id: dayKey(record.dataset, record.date) }, replacement: { ...record }, upsert: true },
      })),
    );
  }

  async getMetrics(dataset: string, date: string): Promise<MetricsRecord | null> {
    const doc = await this.metrics.findOne({ _id: dayKey(dataset, date) });
    return doc ? metricsRecordSchema.parse(doc) : null;
  }

  async upsertReport(record: ReportRecord): Promise<void> {
    await this.reports.replaceOne({ _id: record.period }, { ...record }, { upsert: true });
  }

  async putReports(records: readonly ReportRecord[]): Promise<void> {
    await this.writeAll(
      this.reports,
      records.map((record) => ({
        replaceOne: { filter: { _id: record.period }, replacement: { ...record }, upsert: true },
      })),
    );
  }

  async getReport(period: string): Promise<ReportRecord | null> {
    const doc = await this.reports.findOne({ _id: period });
    return doc ? reportRecordSchema.parse(doc) : null;
  }

  /**
   * A lease is a document only its holder writes: taken by an insert, which a key already taken
   * refuses whatever the server (FerretDB finds a conditional update's document and writes it in two
   * steps, so two claimants could both match an ended lease); extended by its holder; ended by
   * deleting it. A lease that ended without being released is deleted by the claimant that finds it
   * ended, then taken by an insert: of two claimants, one insert wins.
   */
  async claimLease(name: string, holder: string, ttlMs: number): Promise<LeaseClaim> {
    const _id = leaseKey(name);
    for (;;) {
      const now = Date.now();
      try {
        await this.reports.insertOne({ _id, holder, until: now + ttlMs });
        return { claimed: true };
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      }
      const found = await this.reports.findOne({ _id });
      if (found === null) continue;
      const held = leaseSchema.parse(found);
      if (held.holder === holder) {
        const extended = await this.reports.updateOne({ _id, holder }, { $set: { until: now + ttlMs } });
        if (extended.matchedCount > 0) return { claimed: true };
        continue;
      }
      if (held.until > now) return { claimed: false, held };
      await this.reports.deleteOne({ _id, holder: held.holder, until: held.until });
    }
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.reports.deleteOne({ _id: leaseKey(name), holder });
  }

  async putSftpFile(record: SftpFileRecord): Promise<void> {
    await this.sftpFiles.replaceOne({ _id: dayKey(record.dataset, record.name) }, { ...record }, { upsert: true });
  }

  async getSftpFile(dataset: string, name: string): Promise<SftpFileRecord | null> {
    const doc = await this.sftpFiles.findOne({ _id: dayKey(dataset, name) });
    return doc ? sftpFileRecordSchema.parse(doc) : null;
  }

  async getSftpFiles(dataset: string, names: readonly string[]): Promise<SftpFileRecord[]> {
    const found: SftpFileRecord[] = [];
    for (let i = 0; i < names.length; i += KEYS_PER_QUERY) {
      const keys = names.slice(i, i + KEYS_PER_QUERY).map((name) => dayKey(dataset, name));
      for (const doc of await this.sftpFiles.find({ _id: { $in: keys } }).toArray())
        found.push(sftpFileRecordSchema.parse(doc));
    }
    return found;
  }

  async putSftpInboxName(dataset: string, inboxName: string, server: string): Promise<void> {
    const partition = sftpInboxPartition(dataset);
    await this.sftpFiles.replaceOne(
      { _id: dayKey(partition, inboxName) },
      { dataset: partition, name: inboxName, server },
      { upsert: true },
    );
  }

  async getSftpServerNames(dataset: string, inboxNames: readonly string[]): Promise<Map<string, string>> {
    const partition = sftpInboxPartition(dataset);
    const found = new Map<string, string>();
    for (let i = 0; i < inboxNames.length; i += KEYS_PER_QUERY) {
      const keys = inboxNames.slice(i, i + KEYS_PER_QUERY).map((name) => dayKey(partition, name));
      for (const doc of await this.sftpFiles.find({ _id: { $in: keys } }).toArray()) {
        const { name, server } = sftpInboxNameSchema.parse(doc);
        found.set(name, server);
      }
    }
    return found;
  }

  async listSftpFiles(dataset: string): Promise<SftpFileRecord[]> {
    const docs = await this.sftpFiles.find({ dataset }).toArray();
    return docs
      .map((doc) => sftpFileRecordSchema.parse(doc))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async putSftpFault(fault: SftpFaultRecord): Promise<void> {
    const dataset = sftpFaultPartition(fault.dataset);
    await this.sftpFiles.replaceOne({ _id: dayKey(dataset, fault.name) }, { ...fault, dataset }, { upsert: true });
  }

  async listSftpFaults(dataset: string): Promise<SftpFaultRecord[]> {
    const partition = `${sftpFaultPartition(dataset)}/`;
    // A range of `_id` (the next code point after `/` is `0`): read on the key's index, never a scan of the fetched files.
    const docs = await this.sftpFiles
      .find({ _id: { $gte: partition, $lt: `${partition.slice(0, -1)}0` } })
      .sort({ _id: 1 })
      .toArray();
    return docs.map((doc) => sftpFaultRecordSchema.parse({ ...doc, dataset }));
  }

  async deleteSftpFaults(dataset: string, names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    const partition = sftpFaultPartition(dataset);
    await this.sftpFiles.deleteMany({ _id: { $in: names.map((name) => dayKey(partition, name)) } });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
