/** The RecordStore contract on MongoDB (the document store) and DynamoDB (DynamoDB Local). */
import { DeleteTableCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { MongoClient } from 'mongodb';
import { describe, expect, inject, it } from 'vitest';
import { DynamoRecordStore } from '../../src/storage/dynamo-record-store.js';
import { MongoRecordStore } from '../../src/storage/mongo-record-store.js';
import { testDynamoDbClient } from '../support/aws.js';
import { uniqueName } from '../support/names.js';
import { recordStoreContract } from './record-store-contract.js';

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
