/** The RecordStore contract on MongoDB (the document store) and DynamoDB (DynamoDB Local). */
import { DeleteTableCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { MongoClient } from 'mongodb';
import { describe, expect, inject, it } from 'vitest';
import { DynamoRecordStore } from '../../src/storage/dynamo-record-store.js';
import { MongoRecordStore } from '../../src/storage/mongo-record-store.js';
import { testDynamoDbClient } from '../support/aws.js';
import { startTcpGate } from '../support/tcp-gate.js';
import { uniqueName } from '../support/names.js';
import type { DayRun } from '../../src/storage/records.js';
import { dayRun, recordStoreContract } from './record-store-contract.js';

recordStoreContract('MongoDB', async () => {
  const url = new URL(inject('mongodbUrl'));
  url.pathname = `/${uniqueName('records')}`;
  const store = await MongoRecordStore.connect(url.toString(), 'courant_');
  const client = await MongoClient.connect(url.toString());
  return {
    store,
    countDayRuns: (dataset, date) => client.db().collection('courant_day_runs').countDocuments({ dataset, date }),
    async close() {
      await client.db().dropDatabase();
      await client.close();
      await store.close();
    },
  };
});

recordStoreContract('DynamoDB (DynamoDB Local), 5 items per page', () => {
  const client = testDynamoDbClient();
  const tablePrefix = `${uniqueName('t')}_`;
  const store = new DynamoRecordStore(testDynamoDbClient(), {
    tablePrefix,
    createMissing: true,
    pageSize: 5,
    datasets: ['eco2mix'],
  });
  return Promise.resolve({
    store,
    async countDayRuns(dataset, date) {
      const out = await client.send(
        new QueryCommand({
          TableName: `${tablePrefix}day_runs`,
          KeyConditionExpression: '#d = :d AND #t = :t',
          ExpressionAttributeNames: { '#d': 'dataset', '#t': 'date' },
          ExpressionAttributeValues: { ':d': { S: dataset }, ':t': { S: date } },
          Select: 'COUNT',
        }),
      );
      return out.Count ?? 0;
    },
    async close() {
      for (const table of store.tableNames()) await client.send(new DeleteTableCommand({ TableName: table }));
      client.destroy();
      await store.close();
    },
  });
});

describe('MongoRecordStore when the server goes silent', () => {
  it('fails the call as a network timeout instead of waiting for good, and answers again once the server does', async () => {
    const url = new URL(inject('mongodbUrl'));
    const gate = await startTcpGate({ host: url.hostname, port: Number(url.port) });
    const gated = new URL(`mongodb://${gate.address}/${uniqueName('silent')}`);
    // Silent for this long, a call fails: several times what one takes on a slow, loaded machine.
    const store = await MongoRecordStore.connect(gated.toString(), 'courant_', 5_000);
    try {
      await store.upsertDayRun(dayRun());
      gate.hold();
      await expect(store.getDayRun('eco2mix', '2024-10-27')).rejects.toMatchObject({
        name: 'MongoNetworkTimeoutError',
      });
      gate.release();
      expect((await store.getDayRun('eco2mix', '2024-10-27'))?.runId).toBe('run-1');
    } finally {
      await store.close();
      await gate.close();
    }
  });
});

/** Runs `test` on a database of its own: a client to lay documents as an older release left them, and a store over it. */
async function withOwnDatabase(name: string, test: (client: MongoClient, store: MongoRecordStore) => Promise<void>) {
  const url = new URL(inject('mongodbUrl'));
  url.pathname = `/${uniqueName(name)}`;
  const client = await MongoClient.connect(url.toString());
  const store = await MongoRecordStore.connect(url.toString(), 'courant_');
  try {
    await test(client, store);
  } finally {
    await client.db().dropDatabase();
    await client.close();
    await store.close();
  }
}

describe('MongoRecordStore on records older than the status documents', () => {
  it('fills in the status of each day record on start, once, keeping statuses written since', async () => {
    await withOwnDatabase('older', async (client, store) => {
      const older = (date: string, run: Partial<DayRun>) => ({ _id: `eco2mix/${date}`, ...dayRun({ date, ...run }) });
      const error = { type: 'NoData', message: 'the source has no file for this day' };
      await client
        .db()
        .collection<{ _id: string }>('courant_day_runs')
        .insertMany([
          older('2020-05-01', { status: 'succeeded', stage: 'metrics' }),
          older('2020-05-02', { status: 'failed', stage: 'download', error }),
        ]);
      const range = { from: '2020-05-01', to: '2020-05-31', datasets: ['eco2mix'] };
      const filledIn = [
        { dataset: 'eco2mix', date: '2020-05-01', status: 'succeeded', errorType: null },
        { dataset: 'eco2mix', date: '2020-05-02', status: 'failed', errorType: 'NoData' },
      ];
      // Before the start that fills them in: read from the day records.
      expect(await store.listDayStatuses(range)).toEqual(filledIn);
      expect(await store.listDayStatuses({ ...range, from: '2018-01-01' })).toEqual(filledIn);
      const bothDatasets = { ...range, datasets: ['eco2mix', 'zeta'] };
      const statusesOf = (runs: readonly DayRun[]) => runs.map((run) => run.status);
      expect(statusesOf(await store.listDayRuns(bothDatasets))).toEqual(['succeeded', 'failed']);
      await store.ensureSchema();
      // The records of several datasets are found through their statuses now, on FerretDB.
      expect(statusesOf(await store.listDayRuns(bothDatasets))).toEqual(['succeeded', 'failed']);
      await client.db().collection('courant_day_runs').deleteMany({});
      // Read from the status documents now: the records just removed still show.
      expect(await store.listDayStatuses(range)).toEqual(filledIn);
      expect(await store.listDayStatuses({ ...range, from: '2018-01-01' })).toEqual(filledIn);
      await store.upsertDayRun(dayRun({ date: '2020-05-02', status: 'running' }));
      await store.ensureSchema();
      expect(await store.listDayStatuses(range)).toEqual([
        filledIn[0],
        { dataset: 'eco2mix', date: '2020-05-02', status: 'running', errorType: null },
      ]);
      expect(await client.db().collection('courant_day_statuses').countDocuments({ dataset: 'eco2mix' })).toBe(2);
    });
  });
});

describe('MongoRecordStore on statuses written without their run ID', () => {
  it('gives each its run ID on start, and reads a status still without one from its record', async () => {
    await withOwnDatabase('run-ids', async (client, store) => {
      const error = { type: 'NoData', message: 'the source has no file for this day' };
      const records = client.db().collection<{ _id: string; [field: string]: unknown }>('courant_day_runs');
      const statuses = client.db().collection<{ _id: string; [field: string]: unknown }>('courant_day_statuses');
      // As the release before run IDs in statuses left them: every status filled in, none with its run.
      await records.insertMany([
        { _id: 'eco2mix/2020-05-01', ...dayRun({ date: '2020-05-01', runId: 'run-1', status: 'succeeded' }) },
        { _id: 'eco2mix/2020-05-02', ...dayRun({ date: '2020-05-02', runId: 'run-2', status: 'failed', error }) },
        { _id: 'eco2mix/2020-05-03', ...dayRun({ date: '2020-05-03', runId: 'run-4', status: 'succeeded' }) },
      ]);
      await statuses.insertMany([
        { _id: 'eco2mix/2020-05-01', dataset: 'eco2mix', date: '2020-05-01', status: 'succeeded' },
        { _id: 'eco2mix/2020-05-02', dataset: 'eco2mix', date: '2020-05-02', status: 'failed', errorType: 'NoData' },
        // What a fill-in racing a run of the older release could leave: a run ID that is not the record's.
        { _id: 'eco2mix/2020-05-03', dataset: 'eco2mix', date: '2020-05-03', status: 'succeeded', runId: 'run-0' },
        { _id: '~filled-in', at: '2026-01-01T00:00:00.000Z' },
      ]);
      const range = { from: '2020-01-01', to: '2020-12-31', datasets: ['eco2mix'] };
      const summaries = [
        { dataset: 'eco2mix', date: '2020-05-01', status: 'succeeded', runId: 'run-1', error: null },
        { dataset: 'eco2mix', date: '2020-05-02', status: 'failed', runId: 'run-2', error },
        { dataset: 'eco2mix', date: '2020-05-03', status: 'succeeded', runId: 'run-4', error: null },
      ];
      // Before the start that gives them their run IDs: read from the records.
      expect((await store.listDayRunSummaries(range)).slice(0, 2)).toEqual(summaries.slice(0, 2));
      await store.ensureSchema();
      expect(await statuses.findOne({ _id: 'eco2mix/2020-05-01' })).toMatchObject({ runId: 'run-1' });
      expect(await store.listDayRunSummaries(range)).toEqual(summaries);
      // A process of the older release runs the day again: its record and a status without its run.
      await records.updateOne({ _id: 'eco2mix/2020-05-01' }, { $set: { runId: 'run-3' } });
      await statuses.replaceOne(
        { _id: 'eco2mix/2020-05-01' },
        { dataset: 'eco2mix', date: '2020-05-01', status: 'succeeded' },
      );
      expect((await store.listDayRunSummaries(range))[0]).toMatchObject({ runId: 'run-3' });
    });
  });
});

describe('DynamoRecordStore without CREATE_STORAGE', () => {
  it('refuses to start on missing tables, naming the table and the way out', async () => {
    const store = new DynamoRecordStore(testDynamoDbClient(), {
      tablePrefix: `${uniqueName('t')}_`,
      createMissing: false,
      datasets: ['eco2mix'],
    });
    try {
      await expect(store.ensureSchema()).rejects.toThrow(
        /DynamoDB table t_\w+_day_runs does not exist.*CREATE_STORAGE=true/,
      );
    } finally {
      await store.close();
    }
  });
});
