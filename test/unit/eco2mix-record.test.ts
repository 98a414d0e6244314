import { describe, expect, it } from 'vitest';
import { ECO2MIX_PARQUET_COLUMNS, ECO2MIX_TABLE, eco2mixRecordSchema } from '../../src/datasets/eco2mix/record.js';
import { eco2mixRecord } from '../support/eco2mix-fixtures.js';

describe('the eCO2mix record', () => {
  it('has Parquet columns instant, source, nature then 18 DOUBLE measures', () => {
    expect(ECO2MIX_PARQUET_COLUMNS.slice(0, 3)).toEqual([
      { name: 'instant', type: 'TIMESTAMPTZ' },
      { name: 'source', type: 'VARCHAR' },
      { name: 'nature', type: 'VARCHAR' },
    ]);
    const measures = ECO2MIX_PARQUET_COLUMNS.slice(3);
    expect(measures).toHaveLength(18);
    expect(measures.every((column) => column.type === 'DOUBLE')).toBe(true);
    expect(measures[0]?.name).toBe('consommation');
    expect(ECO2MIX_TABLE).toBe('eco2mix_national');
  });

  it('has one Parquet column per record field', () => {
    const fields = Object.keys(eco2mixRecord('2025-08-22T00:00:00Z')).sort();
    expect(ECO2MIX_PARQUET_COLUMNS.map((column) => column.name).sort()).toEqual(fields);
  });

  it('validates a record and refuses a non-UTC instant or a non-finite measure', () => {
    const record = eco2mixRecord('2025-08-22T00:00:00Z', { consommation: 34000 });
    expect(eco2mixRecordSchema.parse(record)).toEqual(record);
    expect(eco2mixRecordSchema.safeParse({ ...record, instant: '2025-08-22T02:00:00+02:00' }).success).toBe(false);
    expect(eco2mixRecordSchema.safeParse({ ...record, consommation: Number.NaN }).success).toBe(false);
  });

  it('turns a Date instant, as read back from Parquet, into the ISO-8601 UTC string', () => {
    const record = eco2mixRecord('2025-08-22T00:00:00Z');
    const parsed = eco2mixRecordSchema.parse({ ...record, instant: new Date('2025-08-22T02:00:00+02:00') });
    expect(parsed.instant).toBe('2025-08-22T00:00:00.000Z');
    expect(eco2mixRecordSchema.safeParse({ ...record, instant: new Date(Number.NaN) }).success).toBe(false);
  });
});
