/**
 * The eCO2mix daily metrics are SQL over the day's Parquet (the SQL the monthly and annual reports
 * use). Every field of the metrics document (docs/architecture.md#metrics-documents) of every
 * fixture day — the 31 days of December 2021, 2025-08-22 (real time, then with its consolidated
 * export), the 25 days of the RTE file of June 2016, DST days of synthetic RTE files — and of
 * hand-made edge cases equals the TypeScript implementation kept in test/reference/, within 1e-9
 * (relative), and the SQL gives the same bits on every run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eco2mixDayMetrics } from '../../src/datasets/eco2mix/day-metrics.js';
import { loadDemoExports } from '../../src/datasets/eco2mix/demo/sample-exports.js';
import { ECO2MIX_PARQUET_COLUMNS, type Eco2mixRecord } from '../../src/datasets/eco2mix/record.js';
import { rteDayExport, rteDaySources } from '../../src/datasets/eco2mix/rte/export.js';
import type { Eco2mixSource } from '../../src/datasets/eco2mix/sources.js';
import { coveredDays, parseRteFile } from '../../src/datasets/eco2mix/rte/file.js';
import { writeParquetRows } from '../../src/duckdb/write.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { eco2mixFixturePath, eco2mixRecord, loadSampleDay } from '../support/eco2mix-fixtures.js';
import { buildRteFile } from '../support/rte-files.js';
import { computeEco2mixMetrics } from '../reference/eco2mix-metrics.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';
import { useEco2mixReader } from '../support/eco2mix-read.js';

const eco2mix = useEco2mixReader('courant-eco2mix-metrics-equivalence-');

const scratch = useScratchDuckDb('courant-eco2mix-sql-');
let written = 0;

/** The day's merged records as the transform writes them, then the SQL metrics of that Parquet. */
async function sqlMetrics(date: string, records: readonly Eco2mixRecord[]) {
  written += 1;
  const file = path.join(scratch.dir, `${written}.parquet`);
  await writeParquetRows(scratch.connection, records, ECO2MIX_PARQUET_COLUMNS, file);
  return eco2mixDayMetrics(scratch.connection, date, file);
}

/** Every leaf equal: numbers within 1e-9 of each other (relative to their size), the rest exactly. */
function expectEquivalent(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - expected), where).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), where).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) {
      expectEquivalent((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
    }
    return;
  }
  expect(actual, where).toEqual(expected);
}

async function expectSameMetrics(date: string, merged: readonly Eco2mixRecord[]): Promise<void> {
  expectEquivalent(await sqlMetrics(date, merged), computeEco2mixMetrics(date, [...merged]), date);
}

/** The day's series as the transform writes it from the day's exports. */
async function transformed(date: string, exports: ReadonlyArray<readonly [Eco2mixSource, string]>) {
  return (await eco2mix.transform(date, exports)).records;
}

/** Hand-made records as the transform keeps them for the day. */
async function expectSameMetricsOfRecords(date: string, records: readonly Eco2mixRecord[]): Promise<void> {
  await expectSameMetrics(date, await eco2mix.merge(records, date));
}

describe('eCO2mix metrics in SQL against the reference implementation', () => {
  it('agree on every day of December 2021 and on 2025-08-22 (the real samples)', async () => {
    const exports = await loadDemoExports();
    const realtime = exports['eco2mix-national-tr'] ?? '';
    for (const date of [...datesInRange('2021-12-01', '2021-12-31'), '2025-08-22']) {
      await expectSameMetrics(date, await transformed(date, [['realtime', realtime]]));
    }
  });

  it('agree on 2025-08-22 with its consolidated export (mixed sources, half-hourly values)', async () => {
    const day = loadSampleDay();
    await expectSameMetrics(
      day.date,
      await transformed(day.date, [
        ['realtime', day.realtimeCsv],
        ['consolidated', day.consolidatedCsv],
      ]),
    );
    await expectSameMetrics(day.date, await transformed(day.date, [['consolidated', day.consolidatedCsv]]));
  });

  it('agree on the 25 days of the RTE file of June 2016 and on the DST days of synthetic files', async () => {
    const files = [
      parseRteFile(
        new Uint8Array(readFileSync(eco2mixFixturePath('vomain_dubonjus_eCO2mix_RTE_En-cours-TR_2016-06.xls'))),
        'june.xls',
      ),
      ...[
        buildRteFile({ from: '2020-03-29', to: '2020-03-29' }),
        buildRteFile({ from: '2020-10-25', to: '2020-10-25' }),
        buildRteFile({ from: '2020-10-25', to: '2020-10-25', repeatedHour: 'once' }),
        buildRteFile({ from: '2020-10-25', to: '2020-10-26', kind: 'Consolide' }),
      ].map((build) => parseRteFile(build.bytes, build.name)),
    ];
    let days = 0;
    for (const file of files) {
      for (const date of coveredDays(file)) {
        const exports = rteDaySources(file, date).map(
          (source) => [source, rteDayExport(file, date, source)?.csv ?? ''] as const,
        );
        await expectSameMetrics(date, await transformed(date, exports));
        days += 1;
      }
    }
    expect(days).toBe(25 + 1 + 1 + 1 + 2);
  });

  it('agree on hand-made edge cases: ties, zero consumption and production, no point at all', async () => {
    await expectSameMetricsOfRecords('2024-01-15', [
      eco2mixRecord('2024-01-15T08:00:00Z', { consommation: 50_000, prevision_j1: 0 }),
      eco2mixRecord('2024-01-15T08:15:00Z', { consommation: 60_000, nucleaire: 0, gaz: 0 }),
      eco2mixRecord('2024-01-15T08:30:00Z', { consommation: 60_000, prevision_j1: 61_000 }),
      eco2mixRecord('2024-01-15T08:45:00Z', { consommation: 50_000 }),
      eco2mixRecord('2024-01-15T09:00:00Z', { consommation: 0, prevision_j1: 10 }),
    ]);
    await expectSameMetricsOfRecords('2024-01-15', [eco2mixRecord('2024-01-15T08:00:00Z', { prevision_j1: 59_000 })]);
    await expectSameMetricsOfRecords('2024-03-31', [
      eco2mixRecord('2024-03-31T10:00:00Z', { consommation: 1, ech_physiques: -5 }),
    ]);
  });

  it('gives the same bits on every run over the same Parquet', async () => {
    const exports = await loadDemoExports();
    const records = await transformed('2021-12-15', [['realtime', exports['eco2mix-national-tr'] ?? '']]);
    const file = path.join(scratch.dir, 'repeat.parquet');
    await writeParquetRows(scratch.connection, records, ECO2MIX_PARQUET_COLUMNS, file);
    const runs = [];
    for (let i = 0; i < 5; i += 1)
      runs.push(JSON.stringify(await eco2mixDayMetrics(scratch.connection, '2021-12-15', file)));
    expect(new Set(runs).size).toBe(1);
  });
});
