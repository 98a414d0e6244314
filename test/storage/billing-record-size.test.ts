/**
 * A month's billing record stays within 64 KB however many billings, requests and refused days
 * come, on DynamoDB Local (an item stops at 400 KB there) and the suite's document store: the first
 * version and the latest stay named, what the record leaves out is counted.
 */
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { MongoClient } from 'mongodb';
import { describe, expect, inject, it } from 'vitest';
import { billingTotalsSchema, getBillingRecord } from '../../src/billing/billing-record.js';
import { putBillingRecord } from '../../src/billing/month-record-write.js';
import { DynamoRecordStore } from '../../src/storage/dynamo-record-store.js';
import { MongoRecordStore } from '../../src/storage/mongo-record-store.js';
import type { RecordStore } from '../../src/storage/records.js';
import type { BillingTrigger } from '../../src/workflow-safe/billing.js';
import { testDynamoDbClient } from '../support/aws.js';
import { uniqueName } from '../support/names.js';

const MONTH = '2025-01';
const BILLINGS = 150;
const totals = billingTotalsSchema.parse({
  contracts: 1,
  withProblems: 0,
  days: 31,
  turpeFixedEur: 1,
  turpeVariableEur: 2,
  ctaEur: 3,
});

/** The requests of one billing: a late day for each of 60 days, each with 20 flows, and 5 imports. */
function manyTriggers(billing: number): BillingTrigger[] {
  const day = (i: number) => `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
  return [
    ...Array.from({ length: 60 }, (_, i) => ({
      kind: 'late-day' as const,
      date: day(i + billing),
      flows: Array.from({ length: 20 }, (_, f) => `ENEDIS_23X--130624--EE1_R151_${billing}_${i}_${f}_00001.zip`),
    })),
    ...Array.from({ length: 5 }, (_, i) => ({ kind: 'snapshot' as const, snapshot: `imports/${billing}-${i}.csv` })),
  ];
}

const refusedDays = Array.from({ length: 200 }, (_, i) => ({
  date: `2023-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
  why: `failed: DataQuality, ${'index_decreasing on PRM 99660599682031 at the R151 of the day; '.repeat(3)}`.slice(
    0,
    160,
  ),
}));

async function billManyTimes(records: RecordStore): Promise<void> {
  let before = null;
  for (let billing = 1; billing <= BILLINGS; billing++) {
    before = await putBillingRecord(records, {
      month: MONTH,
      totals: { ...totals, turpeVariableEur: billing },
      unusableDays: refusedDays,
      sha256: billing.toString(16).padStart(64, '0'),
      ratesSha256: 'a'.repeat(64),
      watermark: {
        days: 400,
        sha256: 'b'.repeat(64),
        readAt: new Date(Date.UTC(2025, 1, 1, 0, billing)).toISOString(),
      },
      at: new Date(Date.UTC(2025, 1, 1, 0, billing)).toISOString(),
      triggers: manyTriggers(billing),
      before,
    });
  }
  const record = await getBillingRecord(records, MONTH);
  expect(record).not.toBeNull();
  expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThanOrEqual(64_000);
  const versions = record?.versions ?? [];
  expect(versions[0]?.version).toBe(1);
  expect(versions.at(-1)).toMatchObject({ version: BILLINGS, triggersOmitted: 65 - 16 });
  expect(versions.at(-1)?.triggers[0]?.flows).toHaveLength(10);
  expect(record?.turpeVariableEur).toBe(BILLINGS);
  expect(record?.runs.length).toBeGreaterThanOrEqual(1);
  expect(record?.unusableDays).toHaveLength(40);
  expect(record?.unusableDaysOmitted).toBe(160);
}

describe("a month's billing record, billed 150 times with 65 requests each", () => {
  it('stays within 64 KB in DynamoDB, naming its first and latest versions and counting what it leaves out', async () => {
    const client = testDynamoDbClient();
    const store = new DynamoRecordStore(testDynamoDbClient(), {
      tablePrefix: `${uniqueName('t')}_`,
      createMissing: true,
      datasets: ['enedis'],
    });
    try {
      await store.ensureSchema();
      await billManyTimes(store);
    } finally {
      for (const table of store.tableNames()) await client.send(new DeleteTableCommand({ TableName: table }));
      client.destroy();
      await store.close();
    }
  });

  it('stays within 64 KB in the document store alike', async () => {
    const url = new URL(inject('mongodbUrl'));
    url.pathname = `/${uniqueName('records')}`;
    const store = await MongoRecordStore.connect(url.toString(), 'courant_');
    try {
      await billManyTimes(store);
    } finally {
      const client = await MongoClient.connect(url.toString());
      await client.db().dropDatabase();
      await client.close();
      await store.close();
    }
  });
});
