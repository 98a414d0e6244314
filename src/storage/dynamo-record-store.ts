/**
 * RecordStore on DynamoDB (or DynamoDB Local). Tables, each `{prefix}{name}`:
 *   day_runs  partition key `dataset`, sort key `date`
 *   metrics   partition key `dataset`, sort key `date`
 *   reports   partition key `period`
 *   sftp_files partition key `dataset`, sort key `name` (a dataset's faults: partition `{dataset}/faults`)
 * Day runs are updated field by field with one conditional UpdateItem (see RecordStore); metrics
 * and reports are replaced whole, their documents (`metrics`, `summary`) kept as JSON text because
 * DynamoDB maps do not keep field order, and reports built from them must come out byte for byte
 * as in local mode. Reads are strongly consistent; queries follow every page.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  UpdateItemCommand,
  waitUntilTableExists,
  type AttributeValue,
  type KeysAndAttributes,
  type WriteRequest,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import pLimit from 'p-limit';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DayStatus } from '../workflow-safe/backfill.js';
import {
  dayRunSchema,
  dayRunSummarySchema,
  dayStatusSchema,
  recordStatusSchema,
  metricsRecordSchema,
  reportRecordSchema,
  leaseKey,
  leaseSchema,
  sftpFaultPartition,
  sftpInboxNameSchema,
  sftpInboxPartition,
  sftpFaultRecordSchema,
  sftpFileRecordSchema,
} from './record-schemas.js';
import {
  RECORD_TABLES,
  type DayRun,
  type DayRunPatch,
  type DayRunQuery,
  type DayRunSummary,
  type LeaseClaim,
  type MetricsRecord,
  type RecordStore,
  type RecordTable,
  type ReportRecord,
  type SftpFaultRecord,
  type SftpFileRecord,
} from './records.js';

export interface DynamoRecordStoreOptions {
  readonly tablePrefix: string;
  /** Create missing tables in ensureSchema (dev, tests); otherwise a missing table is an error. */
  readonly createMissing: boolean;
  /** Items per Query page; DynamoDB's own 1 MB limit applies too. */
  readonly pageSize?: number;
  /** Shown in logs, e.g. the endpoint and region. */
  readonly location?: string;
  /** The datasets a listing covers when it names none (day runs are queried per dataset). */
  readonly datasets: readonly string[];
}

/** Items in one BatchWriteItem: DynamoDB's limit. */
const BATCH_WRITE_ITEMS = 25;
/** Keys in one BatchGetItem: DynamoDB's limit. */
const BATCH_GET_ITEMS = 100;
/** Conditional puts of a range's day records sent at once (a batch write takes no condition). */
const OPEN_DAY_RUNS_AT_ONCE = 8;
const MARSHALL = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;

/** Date order, then dataset within a date: the order every listing of day runs returns. */
function inDayOrder<T extends { readonly dataset: string; readonly date: string }>(runs: T[]): T[] {
  return runs.sort((a, b) => (a.date === b.date ? a.dataset.localeCompare(b.dataset) : a.date < b.date ? -1 : 1));
}

/** A document kept as JSON text; anything else is handed to the schema as it is, to be refused there. */
function fromJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** Key attributes per table, in key-schema order (partition, then sort). */
export const TABLE_KEYS: Readonly<Record<RecordTable, readonly string[]>> = {
  day_runs: ['dataset', 'date'],
  metrics: ['dataset', 'date'],
  reports: ['period'],
  sftp_files: ['dataset', 'name'],
};

/** The CreateTable input of a table: on-demand capacity, string keys. */
export function tableDefinition(tablePrefix: string, table: RecordTable): CreateTableCommandInput {
  const keys = TABLE_KEYS[table];
  return {
    TableName: `${tablePrefix}${table}`,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keys.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: keys.map((name, i) => ({ AttributeName: name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
  };
}

function reportItem(record: ReportRecord): Record<string, unknown> {
  return { period: record.period, summary: JSON.stringify(record.summary), keys: record.keys };
}

export class DynamoRecordStore implements RecordStore {
  readonly location: string;
  private readonly tables: Readonly<Record<RecordTable, string>>;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: DynamoRecordStoreOptions,
  ) {
    this.tables = {
      day_runs: `${options.tablePrefix}day_runs`,
      metrics: `${options.tablePrefix}metrics`,
      reports: `${options.tablePrefix}reports`,
      sftp_files: `${options.tablePrefix}sftp_files`,
    };
    this.location = options.location ?? `dynamodb tables ${options.tablePrefix}*`;
  }

  /** The full table names, in RECORD_TABLES order. */
  tableNames(): string[] {
    return RECORD_TABLES.map((t) => this.tables[t]);
  }

  async ensureSchema(): Promise<void> {
    for (const table of RECORD_TABLES) {
      const TableName = this.tables[table];
      try {
        await this.client.send(new DescribeTableCommand({ TableName }));
        continue;
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
        if (!this.options.createMissing)
          throw new Error(
            `DynamoDB table ${TableName} does not exist: create it (see docs/operations.md, "Storage modes") ` +
              'or set CREATE_STORAGE=true to let courant create it',
            { cause: error },
          );
      }
      try {
        await this.client.send(new CreateTableCommand(tableDefinition(this.options.tablePrefix, table)));
      } catch (error) {
        // Another worker created it at the same moment.
        if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
      }
      await waitUntilTableExists({ client: this.client, maxWaitTime: 120 }, { TableName });
    }
  }

  async upsertDayRun(patch: DayRunPatch, options: { onlyIfRunId?: string } = {}): Promise<boolean> {
    const { dataset, date, ...fields } = patch;
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    if (entries.length === 0) throw new RangeError('upsertDayRun: nothing to write');
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = entries.map(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:f${i}`] = value;
      return `#f${i} = :f${i}`;
    });
    const conditions: string[] = [];
    if (options.onlyIfRunId !== undefined) {
      names['#runId'] = 'runId';
      values[':onlyRunId'] = options.onlyIfRunId;
      conditions.push('(attribute_exists(#dataset) AND #runId = :onlyRunId)');
    }
    if (fields.attempt !== undefined) {
      names['#attempt'] = 'attempt';
      values[':attempt'] = fields.attempt;
      conditions.push('(attribute_not_exists(#dataset) OR attribute_not_exists(#attempt) OR #attempt <= :attempt)');
    }
    if (conditions.length > 0) names['#dataset'] = 'dataset';
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.day_runs,
          Key: marshall({ dataset, date }),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ...(conditions.length > 0 ? { ConditionExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: marshall(values, MARSHALL),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async putDayRuns(runs: readonly DayRun[]): Promise<void> {
    await this.putItems(
      this.tables.day_runs,
      runs.map((run) => ({ ...run })),
    );
  }

  async openDayRuns(runs: readonly DayRun[]): Promise<string[]> {
    const limit = pLimit(OPEN_DAY_RUNS_AT_ONCE);
    const held = await Promise.all(
      runs.map((run) =>
        limit(async () => {
          try {
            await this.client.send(
              new PutItemCommand({
                TableName: this.tables.day_runs,
                Item: marshall({ ...run }, MARSHALL),
                ConditionExpression: 'attribute_not_exists(#dataset) OR #status <> :running OR #runId = :runId',
                ExpressionAttributeNames: { '#dataset': 'dataset', '#status': 'status', '#runId': 'runId' },
                ExpressionAttributeValues: marshall({ ':running': 'running', ':runId': run.runId }),
              }),
            );
            return null;
          } catch (error) {
            if (error instanceof ConditionalCheckFailedException) return run.date;
            throw error;
          }
        }),
      ),
    );
    return held.filter((date): date is string => date !== null);
  }

  async getDayRun(dataset: string, date: string): Promise<DayRun | null> {
    const item = await this.getItem(this.tables.day_runs, { dataset, date });
    return item ? dayRunSchema.parse(item) : null;
  }

  async listDayRuns(query: DayRunQuery): Promise<DayRun[]> {
    const runs: DayRun[] = [];
    for await (const item of this.queryDayRuns(query)) runs.push(dayRunSchema.parse(item));
    return inDayOrder(runs);
  }

  async listDayRunSummaries(query: DayRunQuery): Promise<DayRunSummary[]> {
    const summaries: DayRunSummary[] = [];
    for await (const item of this.queryDayRuns(query, ['dataset', 'date', 'status', 'runId', 'error']))
      summaries.push(dayRunSummarySchema.parse(item));
    return inDayOrder(summaries);
  }

  async listDayStatuses(query: DayRunQuery): Promise<DayStatus[]> {
    const statuses: DayStatus[] = [];
    for await (const item of this.queryDayRuns(query, ['dataset', 'date', 'status', 'error'])) {
      const { error, ...status } = recordStatusSchema.parse(item);
      statuses.push(dayStatusSchema.parse({ ...status, errorType: error?.type ?? null }));
    }
    return inDayOrder(statuses);
  }

  /** Every item of the range, dataset by dataset, page by page; only `attributes` when given. */
  private async *queryDayRuns(
    query: DayRunQuery,
    attributes?: readonly string[],
  ): AsyncGenerator<Record<string, unknown>> {
    const names: Record<string, string> = { '#dataset': 'dataset', '#date': 'date' };
    for (const attribute of attributes ?? []) names[`#${attribute}`] = attribute;
    for (const dataset of query.datasets ?? this.options.datasets) {
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tables.day_runs,
            KeyConditionExpression: '#dataset = :dataset AND #date BETWEEN :from AND :to',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: marshall({ ':dataset': dataset, ':from': query.from, ':to': query.to }),
            ...(attributes ? { ProjectionExpression: attributes.map((a) => `#${a}`).join(', ') } : {}),
            ConsistentRead: true,
            ...(this.options.pageSize ? { Limit: this.options.pageSize } : {}),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of page.Items ?? []) yield unmarshall(item);
        start = page.LastEvaluatedKey;
      } while (start);
    }
  }

  async upsertMetrics(record: MetricsRecord): Promise<void> {
    await this.putItem(this.tables.metrics, {
      dataset: record.dataset,
      date: record.date,
      metrics: JSON.stringify(record.metrics),
    });
  }

  async putMetricsRecords(records: readonly MetricsRecord[]): Promise<void> {
    await this.putItems(
      this.tables.metrics,
      records.map((record) => ({
        dataset: record.dataset,
        date: record.date,
        metrics: JSON.stringify(record.metrics),
      })),
    );
  }

  async getMetrics(dataset: string, date: string): Promise<MetricsRecord | null> {
    const item = await this.getItem(this.tables.metrics, { dataset, date });
    return item ? metricsRecordSchema.parse({ ...item, metrics: fromJson(item.metrics) }) : null;
  }

  async upsertReport(record: ReportRecord): Promise<void> {
    await this.putItem(this.tables.reports, reportItem(record));
  }

  async putReports(records: readonly ReportRecord[]): Promise<void> {
    await this.putItems(this.tables.reports, records.map(reportItem));
  }

  async getReport(period: string): Promise<ReportRecord | null> {
    const item = await this.getItem(this.tables.reports, { period });
    return item ? reportRecordSchema.parse({ ...item, summary: fromJson(item.summary) }) : null;
  }

  async claimLease(name: string, holder: string, ttlMs: number): Promise<LeaseClaim> {
    const now = Date.now();
    const period = leaseKey(name);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tables.reports,
          Item: marshall({ period, holder, until: now + ttlMs }),
          ConditionExpression: 'attribute_not_exists(#period) OR #until <= :now OR #holder = :holder',
          ExpressionAttributeNames: { '#period': 'period', '#until': 'until', '#holder': 'holder' },
          ExpressionAttributeValues: marshall({ ':now': now, ':holder': holder }),
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { claimed: false, held: leaseSchema.parse(await this.getItem(this.tables.reports, { period })) };
    }
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tables.reports,
          Item: marshall({ period: leaseKey(name), holder, until: 0 }),
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: { '#holder': 'holder' },
          ExpressionAttributeValues: marshall({ ':holder': holder }),
        }),
      );
    } catch (error) {
      // Another holder took the lease after it ended: it is theirs now.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async putSftpFile(record: SftpFileRecord): Promise<void> {
    await this.putItem(this.tables.sftp_files, { ...record });
  }

  async getSftpFile(dataset: string, name: string): Promise<SftpFileRecord | null> {
    const item = await this.getItem(this.tables.sftp_files, { dataset, name });
    return item ? sftpFileRecordSchema.parse(item) : null;
  }

  async getSftpFiles(dataset: string, names: readonly string[]): Promise<SftpFileRecord[]> {
    const items = await this.getItems(
      this.tables.sftp_files,
      names.map((name) => ({ dataset, name })),
    );
    return items.map((item) => sftpFileRecordSchema.parse(item));
  }

  async putSftpInboxName(dataset: string, inboxName: string, server: string): Promise<void> {
    await this.putItem(this.tables.sftp_files, { dataset: sftpInboxPartition(dataset), name: inboxName, server });
  }

  async getSftpServerNames(dataset: string, inboxNames: readonly string[]): Promise<Map<string, string>> {
    const partition = sftpInboxPartition(dataset);
    const items = await this.getItems(
      this.tables.sftp_files,
      inboxNames.map((name) => ({ dataset: partition, name })),
    );
    return new Map(items.map((item) => sftpInboxNameSchema.parse(item)).map(({ name, server }) => [name, server]));
  }

  async listSftpFiles(dataset: string): Promise<SftpFileRecord[]> {
    const files: SftpFileRecord[] = [];
    for await (const item of this.queryPartition(this.tables.sftp_files, dataset))
      files.push(sftpFileRecordSchema.parse(item));
    return files;
  }

  /** Every item of a partition of a table keyed by `dataset`, page after page, in sort-key order. */
  private async *queryPartition(TableName: string, dataset: string): AsyncGenerator<Record<string, unknown>> {
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: '#dataset = :dataset',
          ExpressionAttributeNames: { '#dataset': 'dataset' },
          ExpressionAttributeValues: marshall({ ':dataset': dataset }),
          ConsistentRead: true,
          ...(this.options.pageSize ? { Limit: this.options.pageSize } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) yield unmarshall(item);
      start = page.LastEvaluatedKey;
    } while (start);
  }

  async putSftpFault(fault: SftpFaultRecord): Promise<void> {
    await this.putItem(this.tables.sftp_files, { ...fault, dataset: sftpFaultPartition(fault.dataset) });
  }

  async listSftpFaults(dataset: string): Promise<SftpFaultRecord[]> {
    const faults: SftpFaultRecord[] = [];
    for await (const item of this.queryPartition(this.tables.sftp_files, sftpFaultPartition(dataset)))
      faults.push(sftpFaultRecordSchema.parse({ ...item, dataset }));
    return faults;
  }

  async deleteSftpFaults(dataset: string, names: readonly string[]): Promise<void> {
    const partition = sftpFaultPartition(dataset);
    await this.writeItems(
      this.tables.sftp_files,
      names.map((name) => ({ DeleteRequest: { Key: marshall({ dataset: partition, name }) } })),
    );
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }

  private async getItem(TableName: string, key: Record<string, string>): Promise<Record<string, unknown> | null> {
    const out = await this.client.send(new GetItemCommand({ TableName, Key: marshall(key), ConsistentRead: true }));
    return out.Item ? unmarshall(out.Item) : null;
  }

  /** Items read by key, BATCH_GET_ITEMS at a time, consistently; keys DynamoDB leaves unprocessed are asked again, after a growing pause. */
  private async getItems(
    TableName: string,
    keys: ReadonlyArray<Record<string, string>>,
  ): Promise<Array<Record<string, unknown>>> {
    const found: Array<Record<string, unknown>> = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_ITEMS) {
      let requests: Record<string, KeysAndAttributes> = {
        [TableName]: { Keys: keys.slice(i, i + BATCH_GET_ITEMS).map((key) => marshall(key)), ConsistentRead: true },
      };
      for (let retry = 0; Object.keys(requests).length > 0; retry += 1) {
        if (retry > 0) await sleep(Math.min(50 * 2 ** retry, 2_000));
        const out = await this.client.send(new BatchGetItemCommand({ RequestItems: requests }));
        for (const item of out.Responses?.[TableName] ?? []) found.push(unmarshall(item));
        requests = out.UnprocessedKeys ?? {};
      }
    }
    return found;
  }

  private async putItems(TableName: string, items: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    await this.writeItems(
      TableName,
      items.map((item) => ({ PutRequest: { Item: marshall(item, MARSHALL) } })),
    );
  }

  /** Writes sent BATCH_WRITE_ITEMS at a time; what DynamoDB leaves unprocessed is sent again, after a growing pause. */
  private async writeItems(TableName: string, writes: readonly WriteRequest[]): Promise<void> {
    for (let i = 0; i < writes.length; i += BATCH_WRITE_ITEMS) {
      let requests: Record<string, WriteRequest[]> = { [TableName]: writes.slice(i, i + BATCH_WRITE_ITEMS) };
      for (let retry = 0; Object.keys(requests).length > 0; retry += 1) {
        if (retry > 0) await sleep(Math.min(50 * 2 ** retry, 2_000));
        const out = await this.client.send(new BatchWriteItemCommand({ RequestItems: requests }));
        requests = out.UnprocessedItems ?? {};
      }
    }
  }

  private async putItem(TableName: string, item: Record<string, unknown>): Promise<void> {
    await this.client.send(new PutItemCommand({ TableName, Item: marshall(item, MARSHALL) }));
  }
}
