/**
 * The eCO2mix pass over many days (the days of an import) against the day-by-day transform and
 * metrics: for every fixture day — December 2021 (each day given the month's export), 2025-08-22
 * with both sources, the RTE file of June 2016, DST days of synthetic RTE files, a repeated hour,
 * a day with bad rows — the same rows in the same order, the same rejects and counts, the same
 * metrics documents to the bit, all days read and written in one pass.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DayOfMany } from '../../src/datasets/contract.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { loadDemoExports } from '../../src/datasets/eco2mix/demo/sample-exports.js';
import { eco2mixDataset } from '../../src/datasets/eco2mix/module.js';
import { ECO2MIX_TABLE } from '../../src/datasets/eco2mix/record.js';
import { rteDayExport, rteDaySources } from '../../src/datasets/eco2mix/rte-export.js';
import { coveredDays, parseRteFile } from '../../src/datasets/eco2mix/rte-file.js';
import { BadDataError } from '../../src/shared/errors.js';
import { datesInRange } from '../../src/shared/partition.js';
import { eco2mixFixturePath, loadSampleDay } from '../support/eco2mix-fixtures.js';
import { buildRteFile } from '../support/rte-files.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-eco2mix-many-days-');
const config = { baseUrl: 'http://127.0.0.1' };
const manyDays = eco2mixDataset.days;
let written = 0;

/** A day's exports written as its raw files (one local copy each, as the activities make them). */
async function dayOf(date: string, exports: ReadonlyArray<readonly [string, string]>): Promise<DayOfMany> {
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
async function fixtureDays(): Promise<DayOfMany[]> {
  const days: DayOfMany[] = [];
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

async function eachDayAlone(day: DayOfMany, dir: string) {
  const tablePath = (table: string) => path.join(dir, `${table}.parquet`);
  const rejectsPath = path.join(dir, 'rejects.jsonl');
  await mkdir(dir, { recursive: true });
  const output = await eco2mixDataset.transform({
    date: day.date,
    config,
    db: scratch.connection,
    files: day.files,
    tablePath,
    rejectsPath,
    scratchDir: dir,
  });
  const metrics = await eco2mixDataset.metrics({
    date: day.date,
    config,
    db: scratch.connection,
    tables: { [ECO2MIX_TABLE]: tablePath(ECO2MIX_TABLE) },
    history: () => Promise.resolve([]),
    anomaliesPath: path.join(dir, 'anomalies.parquet'),
  });
  return { output, metrics, table: tablePath(ECO2MIX_TABLE), rejects: await readFile(rejectsPath, 'utf8') };
}

describe('the eCO2mix pass over many days', () => {
  it('gives every day the rows, rejects, counts and metrics the day gets alone', async () => {
    if (!manyDays) throw new Error('eco2mix has no pass over many days');
    const days = await fixtureDays();
    expect(days.length).toBe(31 + 2 + 25 + 1 + 1 + 2);
    const outputDir = path.join(scratch.dir, 'many');
    await mkdir(outputDir);
    const outputs = await manyDays.transform({ config, db: scratch.connection, days, outputDir });
    const metrics = await manyDays.metrics({
      config,
      db: scratch.connection,
      days: days.map((d) => ({ date: d.date, tables: outputs.get(d.date)?.tablePaths ?? {} })),
    });

    for (const day of days) {
      const alone = await eachDayAlone(day, path.join(scratch.dir, 'alone', day.date));
      const output = outputs.get(day.date);
      expect(output && { tables: output.tables, rows: output.rows }, day.date).toEqual(alone.output);
      expect(await storedRows(output?.tablePaths[ECO2MIX_TABLE] ?? ''), day.date).toBe(await storedRows(alone.table));
      expect(output?.rejectsPath ? await readFile(output.rejectsPath, 'utf8') : '', day.date).toBe(alone.rejects);
      expect(JSON.stringify(metrics.get(day.date)), day.date).toBe(JSON.stringify(alone.metrics));
    }
    expect(outputs.get('2025-08-23')?.rows.rejected).toBe(1);
    expect(await readFile(outputs.get('2025-08-23')?.rejectsPath ?? '', 'utf8')).toContain('"line":5');
  });

  it('fails on a file whose quoting is broken, naming it and its line, as a day alone does', async () => {
    if (!manyDays) throw new Error('eco2mix has no pass over many days');
    const sample = loadSampleDay();
    const lines = sample.realtimeCsv.split('\r\n');
    const broken = lines.map((line, i) => (i === 2 ? `${line}"` : line)).join('\r\n');
    const days = [
      await dayOf('2025-08-22', [['realtime', sample.realtimeCsv]]),
      await dayOf('2025-08-23', [['realtime', broken]]),
    ];
    await mkdir(path.join(scratch.dir, 'broken'));
    const run = manyDays.transform({
      config,
      db: scratch.connection,
      days,
      outputDir: path.join(scratch.dir, 'broken'),
    });
    await expect(run).rejects.toBeInstanceOf(BadDataError);
    await expect(run).rejects.toThrow(/raw\/eco2mix\/dt=2025-08-23\/realtime\.csv.*line 3/);
  });
});
