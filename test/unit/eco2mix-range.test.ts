/**
 * The eCO2mix transform and metrics of a range of days (the days of an import's pass) against the
 * same day alone (a range of one, written without the partitioned COPY): for every fixture day — December 2021 (each day given the month's export), 2025-08-22
 * with both sources, the RTE file of June 2016, DST days of synthetic RTE files, a repeated hour,
 * a day with bad rows — the same rows in the same order, the same rejects and counts, the same
 * metrics documents to the bit, all days read and written in one range.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TransformDay } from '../../src/datasets/contract.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { loadDemoExports } from '../../src/datasets/eco2mix/demo/sample-exports.js';
import { eco2mixDataset } from '../../src/datasets/eco2mix/module.js';
import { ECO2MIX_TABLE } from '../../src/datasets/eco2mix/record.js';
import { rteDayExport, rteDaySources } from '../../src/datasets/eco2mix/rte/export.js';
import { coveredDays, parseRteFile } from '../../src/datasets/eco2mix/rte/file.js';
import { BadDataError } from '../../src/workflow-safe/errors.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { eco2mixFixturePath, loadSampleDay } from '../support/eco2mix-fixtures.js';
import { buildRteFile } from '../support/rte-files.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-eco2mix-range-');
const config = { baseUrl: 'http://127.0.0.1' };
let written = 0;

/** A day's exports written as its raw files (one local copy each, as the activities make them). */
async function dayOf(date: string, exports: ReadonlyArray<readonly [string, string]>): Promise<TransformDay> {
  const files: DayFile[] = [];
  for (const [source, csv] of exports) {
    written += 1;
    const file = path.join(scratch.dir, 'raw', `${written}-${source}.csv`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, csv);
    files.push({
      source,
      key: `raw/eco2mix/dt=${date}/${source}.csv`,
      path: file,
      sha256: '',
      order: files.length,
      options: {},
    });
  }
  return { date, files };
}

/** Every fixture day, each date once. */
async function fixtureDays(): Promise<TransformDay[]> {
  const days: TransformDay[] = [];
  const december = (await loadDemoExports())['eco2mix-national-tr'] ?? '';
  for (const date of datesInRange('2021-12-01', '2021-12-31')) days.push(await dayOf(date, [['realtime', december]]));
  const sample = loadSampleDay();
  days.push(
    await dayOf(sample.date, [
      ['realtime', sample.realtimeCsv],
      ['consolidated', sample.consolidatedCsv],
    ]),
  );
  const lines = sample.realtimeCsv.split('\r\n');
  const broken = lines.map((line, i) => (i === 4 ? line.replace(/;(\d+);/, ';12x;') : line)).join('\r\n');
  days.push(await dayOf('2025-08-23', [['realtime', broken]]));
  const rteFiles = [
    parseRteFile(
      new Uint8Array(readFileSync(eco2mixFixturePath('vomain_dubonjus_eCO2mix_RTE_En-cours-TR_2016-06.xls'))),
      'june.xls',
    ),
    ...[
      buildRteFile({ from: '2020-03-29', to: '2020-03-29' }),
      buildRteFile({ from: '2020-10-25', to: '2020-10-25', repeatedHour: 'once' }),
      buildRteFile({ from: '2019-10-27', to: '2019-10-28', kind: 'Consolide' }),
    ].map((build) => parseRteFile(build.bytes, build.name)),
  ];
  for (const file of rteFiles) {
    for (const date of coveredDays(file)) {
      const exports = rteDaySources(file, date).map(
        (source) => [source, rteDayExport(file, date, source)?.csv ?? ''] as const,
      );
      days.push(await dayOf(date, exports));
    }
  }
  return days;
}

/** The rows of a table in the order they are stored. */
async function storedRows(file: string): Promise<string> {
  const reader = await scratch.connection.runAndReadAll(
    `SELECT * EXCLUDE (file_row_number) FROM read_parquet('${file}', file_row_number = true, hive_partitioning = false) ORDER BY file_row_number`,
  );
  return JSON.stringify(reader.getRowsJson());
}

/** The range's transform and metrics, each day's files under `dir/{date}/`. */
async function runRange(days: readonly TransformDay[], dir: string) {
  await Promise.all(days.map((day) => mkdir(path.join(dir, day.date), { recursive: true })));
  const tablePath = (date: string, table: string) => path.join(dir, date, `${table}.parquet`);
  const rejectsPath = (date: string) => path.join(dir, date, 'rejects.jsonl');
  const outputs = await eco2mixDataset.transform({
    config,
    db: scratch.connection,
    days,
    tablePath,
    rejectsPath,
    scratchDir: dir,
  });
  const measured = days.filter((day) => (outputs.get(day.date)?.rows.written ?? 0) > 0);
  const metrics = await eco2mixDataset.metrics({
    config,
    db: scratch.connection,
    days: measured.map((day) => ({ date: day.date, tables: { [ECO2MIX_TABLE]: tablePath(day.date, ECO2MIX_TABLE) } })),
    history: () => Promise.resolve([]),
    anomaliesPath: (date) => path.join(dir, date, 'anomalies.parquet'),
  });
  const rejects = async (date: string) =>
    (outputs.get(date)?.rows.rejected ?? 0) === 0 ? '' : await readFile(rejectsPath(date), 'utf8');
  return { outputs, metrics, table: (date: string) => tablePath(date, ECO2MIX_TABLE), rejects };
}

describe('the eCO2mix transform of a range of days', () => {
  it('gives every day the rows, rejects, counts and metrics the day gets alone', async () => {
    const days = await fixtureDays();
    expect(days.length).toBe(31 + 2 + 25 + 1 + 1 + 2);
    const range = await runRange(days, path.join(scratch.dir, 'range'));
    expect(range.metrics.size).toBe(days.length);

    for (const day of days) {
      const alone = await runRange([day], path.join(scratch.dir, 'alone'));
      expect(range.outputs.get(day.date), day.date).toEqual(alone.outputs.get(day.date));
      expect(await storedRows(range.table(day.date)), day.date).toBe(await storedRows(alone.table(day.date)));
      expect(await range.rejects(day.date), day.date).toBe(await alone.rejects(day.date));
      expect(JSON.stringify(range.metrics.get(day.date)), day.date).toBe(JSON.stringify(alone.metrics.get(day.date)));
    }
    expect(range.outputs.get('2025-08-23')?.rows.rejected).toBe(1);
    expect(await range.rejects('2025-08-23')).toContain('"line":5');
  });

  it('fails on a file whose quoting is broken, naming it and its line, as a day alone does', async () => {
    const sample = loadSampleDay();
    const lines = sample.realtimeCsv.split('\r\n');
    const broken = lines.map((line, i) => (i === 2 ? `${line}"` : line)).join('\r\n');
    const days = [
      await dayOf('2025-08-22', [['realtime', sample.realtimeCsv]]),
      await dayOf('2025-08-23', [['realtime', broken]]),
    ];
    const run = runRange(days, path.join(scratch.dir, 'broken'));
    await expect(run).rejects.toBeInstanceOf(BadDataError);
    await expect(run).rejects.toThrow(/raw\/eco2mix\/dt=2025-08-23\/realtime\.csv.*line 3/);
  });
});
