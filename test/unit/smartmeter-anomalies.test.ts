/**
 * Smart-meter anomaly detection on real DuckDB: scored against the labels of the real Kaggle
 * sample (whole series, against a global |z| > 2), the day's detector equal to the whole-series
 * query on the same day, hand-made meters (a spike, a stuck-at-zero stretch, no history, a 25-hour
 * day at 15 and 60 minutes), byte-identical output and errors that propagate.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ANOMALY_THRESHOLD,
  anomalyScoresSql,
  HISTORY_DAYS,
  LEVEL_WINDOW_HOURS,
} from '../../src/datasets/smartmeter/anomaly-sql.js';
import { scoreAnomalies } from '../../src/datasets/smartmeter/anomalies.js';
import { sqlString } from '../../src/duckdb/columns.js';
import { copyToParquetSql } from '../../src/duckdb/copy.js';
import { openDuckDb } from '../../src/duckdb/duckdb.js';
import { parisDayBounds, previousDate } from '../../src/workflow-safe/partition.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const KAGGLE = path.join('test', 'fixtures', 'smartmeter', 'jaslemkaril_kaggle_ziya07_smart_meter_data.csv');
const scratch = useScratchDuckDb('courant-anomalies-');

interface Quality {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

interface Anomaly {
  readonly meter_id: string;
  readonly ts: string;
  readonly kwh: number;
  readonly score: number;
  readonly reason: string;
}

let files = 0;
function scratchFile(name: string): string {
  files += 1;
  return path.join(scratch.dir, `${files}-${name}`);
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return (await scratch.connection.runAndReadAll(sql)).getRowObjectsJson();
}

/** The anomalies file as plain rows, instants in ISO UTC. */
async function anomaliesOf(file: string): Promise<Anomaly[]> {
  const rows = await query(
    `SELECT meter_id, strftime(timezone('UTC', ts), '%Y-%m-%dT%H:%M:%SZ') AS ts, kwh, score, reason
     FROM read_parquet(${sqlString(file)}) ORDER BY meter_id, ts`,
  );
  return rows as unknown as Anomaly[];
}

/** Precision, recall and F1 of `predicted` (SQL over `relation` joined with the labels). */
async function quality(relation: string, predicted: string): Promise<Quality> {
  const [row] = await query(`
SELECT count(*) FILTER (WHERE ${predicted} AND abnormal) AS tp, count(*) FILTER (WHERE ${predicted} AND NOT abnormal) AS fp,
       count(*) FILTER (WHERE NOT (${predicted}) AND abnormal) AS fn
FROM (${relation}) JOIN kaggle USING (meter_id, ts)`);
  const [tp, fp, fn] = [Number(row?.tp), Number(row?.fp), Number(row?.fn)];
  return { precision: tp / (tp + fp), recall: tp / (tp + fn), f1: (2 * tp) / (2 * tp + fp + fn) };
}

/** The Kaggle sample read directly, not by courant's reader: naive UTC timestamps, the label as a flag. */
async function loadKaggle(): Promise<void> {
  await scratch.connection.run(`
CREATE OR REPLACE TABLE kaggle AS
SELECT 'kaggle' AS meter_id, timezone('UTC', Timestamp::TIMESTAMP) AS ts, Electricity_Consumed::DOUBLE AS kwh,
       Anomaly_Label AS label, Anomaly_Label = 'Abnormal' AS abnormal
FROM read_csv(${sqlString(KAGGLE)}, header = true, auto_detect = false,
  columns = {Timestamp: 'VARCHAR', Electricity_Consumed: 'VARCHAR', Temperature: 'VARCHAR', Humidity: 'VARCHAR',
             Wind_Speed: 'VARCHAR', Avg_Past_Consumption: 'VARCHAR', Anomaly_Label: 'VARCHAR'})`);
}

/** Day `day` of the Kaggle sample as `readings.parquet` holds it (the label kept, as the transform does). */
async function kaggleDay(day: string, label = 'label'): Promise<string> {
  const file = scratchFile(`kaggle-${day}.parquet`);
  await scratch.connection.run(
    copyToParquetSql(
      `SELECT meter_id, ts, kwh, 'kaggle.csv' AS file, 0 AS line, ${label} AS label FROM kaggle
       WHERE timezone('Europe/Paris', ts)::DATE = ${sqlString(day)}::DATE ORDER BY ts`,
      file,
    ),
  );
  return file;
}

/** `write` for each item, one after the other (one connection runs one statement at a time). */
async function inTurn<T>(items: readonly T[], write: (item: T) => Promise<string>): Promise<string[]> {
  const files: string[] = [];
  for (const item of items) files.push(await write(item));
  return files;
}

/** The `count` days before `day`, oldest first. */
function daysBefore(day: string, count: number): string[] {
  const days: string[] = [];
  for (let d = previousDate(day); days.length < count; d = previousDate(d)) days.unshift(d);
  return days;
}

interface Meter {
  readonly meter: string;
  readonly stepMinutes: number;
  /** SQL of the reading's kWh over `local` (the Paris local TIMESTAMP) and `s` (epoch seconds). */
  readonly kwh: string;
}

/** A household: 0.2 kWh, 0.8 kWh from 18:00 to 21:59, ± 0.03 of deterministic noise. */
const HOUSEHOLD = `CASE WHEN hour(local) BETWEEN 18 AND 21 THEN 0.8 ELSE 0.2 END + 0.01 * (s // 60 % 7 - 3)`;
const household = (meter: string, stepMinutes = 30): Meter => ({ meter, stepMinutes, kwh: HOUSEHOLD });
const at = (time: string, kwh: number, otherwise = HOUSEHOLD) =>
  `CASE WHEN strftime(local, '%H:%M') = '${time}' THEN ${kwh} ELSE ${otherwise} END`;

/** Writes the meters' readings of `day` as readings.parquet holds them; returns the file. */
async function writeDay(day: string, meters: readonly Meter[]): Promise<string> {
  const { start, end } = parisDayBounds(day);
  const selects = meters.map(
    (m) => `
SELECT ${sqlString(m.meter)} AS meter_id, ts, (${m.kwh})::DOUBLE AS kwh, 'synthetic.csv' AS file, 0 AS line, NULL::VARCHAR AS label
FROM (SELECT s, to_timestamp(s) AS ts, timezone('Europe/Paris', to_timestamp(s)) AS local
      FROM range(${start.getTime() / 1000}, ${end.getTime() / 1000}, ${m.stepMinutes * 60}) r(s))`,
  );
  const file = scratchFile(`${day}.parquet`);
  await scratch.connection.run(copyToParquetSql(`${selects.join(' UNION ALL ')} ORDER BY meter_id, ts`, file));
  return file;
}

/** Writes the day and its 28 days of history; `meters` on the day, `usual` before it. */
async function writeWithHistory(day: string, usual: readonly Meter[], meters: readonly Meter[]) {
  const history = await inTurn(daysBefore(day, HISTORY_DAYS), (d) => writeDay(d, usual));
  return { readings: await writeDay(day, meters), history };
}

async function detect(day: string, readings: string, history: readonly string[]) {
  const target = scratchFile(`anomalies-${day}.parquet`);
  const result = await scoreAnomalies(scratch.connection, { day, readings, history, target });
  return { result, target, anomalies: await anomaliesOf(target) };
}

describe('anomalies of the labelled Kaggle sample', () => {
  it('beats a global |z| > 2 on consumption in precision, recall and F1 over the whole series', async () => {
    await loadKaggle();
    const baseline = await quality(
      'SELECT meter_id, ts, abs(kwh - avg(kwh) OVER ()) / stddev_pop(kwh) OVER () AS z FROM kaggle',
      'z > 2',
    );
    expect(baseline.f1).toBeCloseTo(0.52, 2);
    const detector = await quality(
      anomalyScoresSql('SELECT meter_id, ts, kwh FROM kaggle'),
      `score > ${ANOMALY_THRESHOLD}`,
    );
    expect(detector.precision).toBeGreaterThanOrEqual(baseline.precision);
    expect(detector.recall).toBeGreaterThanOrEqual(baseline.recall);
    expect(detector.f1).toBeGreaterThanOrEqual(baseline.f1);
    expect(detector.f1).toBeGreaterThanOrEqual(0.6);
  });

  it("writes, for a day, exactly the whole-series query's anomalies of that day, never reading the label", async () => {
    await loadKaggle();
    const series = anomalyScoresSql('SELECT meter_id, ts, kwh FROM kaggle');
    for (const day of ['2024-01-01', '2024-03-31']) {
      const history = await inTurn(daysBefore(day, HISTORY_DAYS), (d) => kaggleDay(d));
      const readings = await kaggleDay(day);
      const { result, target, anomalies } = await detect(day, readings, history);
      const ofDay = `FROM (${series}) WHERE timezone('Europe/Paris', ts)::DATE = ${sqlString(day)}::DATE`;
      // 2024-01-01 starts at 01:00 Paris (00:00 UTC); 2024-03-31 is a 23-hour day.
      expect(result.scored).toBe(46);
      expect(Number((await query(`SELECT count(*) AS n ${ofDay}`))[0]?.n)).toBe(46);
      const expected = await query(
        `SELECT meter_id, strftime(timezone('UTC', ts), '%Y-%m-%dT%H:%M:%SZ') AS ts, kwh, score, reason
         ${ofDay} AND score > ${ANOMALY_THRESHOLD} ORDER BY meter_id, ts`,
      );
      expect(anomalies.length).toBeGreaterThan(0);
      expect(anomalies).toEqual(expected);
      expect(result.anomalies).toBe(anomalies.length);
      const bytes = await readFile(target);
      const unlabelled = await detect(day, await kaggleDay(day, `'Normal'`), history);
      expect(await readFile(unlabelled.target)).toEqual(bytes);
      const dayInHistory = await detect(day, readings, [...history, readings]);
      expect(await readFile(dayInHistory.target)).toEqual(bytes);
    }
  });
});

describe('anomalies of hand-made meters', () => {
  /** The rows without their score, after checking that every score is above the threshold. */
  function flagged(anomalies: readonly Anomaly[]) {
    for (const a of anomalies) expect(a.score).toBeGreaterThan(ANOMALY_THRESHOLD);
    return anomalies.map(({ meter_id, ts, kwh, reason }) => ({ meter_id, ts, kwh, reason }));
  }

  it("flags a night spike against the meter's usual time of day, and not its evening peak", async () => {
    const { readings, history } = await writeWithHistory(
      '2024-06-12',
      [household('house')],
      [{ meter: 'house', stepMinutes: 30, kwh: at('03:00', 0.9) }],
    );
    const { result, anomalies } = await detect('2024-06-12', readings, history);
    expect(result).toEqual({ scored: 48, anomalies: 1 });
    expect(flagged(anomalies)).toEqual([
      {
        meter_id: 'house',
        ts: '2024-06-12T01:00:00Z',
        kwh: 0.9,
        reason: "4.5× the meter's usual 03:00 consumption (0.90 kWh against 0.20)",
      },
    ]);
  });

  it('flags a stretch stuck at zero as one, then the low readings of the hours after it', async () => {
    const { readings, history } = await writeWithHistory(
      '2024-06-12',
      [household('stuck')],
      [
        {
          meter: 'stuck',
          stepMinutes: 30,
          kwh: `CASE WHEN hour(local) BETWEEN 10 AND 12 THEN 0 ELSE ${HOUSEHOLD} END`,
        },
      ],
    );
    const { result, anomalies } = await detect('2024-06-12', readings, history);
    expect(result.scored).toBe(48);
    const stuck = 'no consumption for 3.0 h (stuck at zero?) where the meter usually uses 0.20 kWh per reading';
    const zeros = ['08:00', '08:30', '09:00', '09:30', '10:00', '10:30'].map((time) => ({
      meter_id: 'stuck',
      ts: `2024-06-12T${time}:00Z`,
      kwh: 0,
      reason: stuck,
    }));
    const rows = flagged(anomalies);
    expect(rows.slice(0, zeros.length)).toEqual(zeros);
    // After the stretch, only readings below the usual 0.2 kWh, while the last 5 hours are still low.
    const after = rows.slice(zeros.length);
    expect(after.length).toBeGreaterThan(0);
    for (const row of after) {
      expect(row.kwh).toBeLessThanOrEqual(0.2);
      expect(Date.parse(row.ts)).toBeLessThan(Date.parse('2024-06-12T10:30:00Z') + LEVEL_WINDOW_HOURS * 3_600_000);
      expect(row.reason).toMatch(
        /^0\.\d× the meter's usual consumption over the last 5 h \(0\.\d\d kWh per reading against 0\.20\)$/,
      );
    }
  });

  it('scores a meter with no history from its day alone', async () => {
    const readings = await writeDay('2024-06-12', [
      { meter: 'new', stepMinutes: 30, kwh: at('20:00', 1.5, `0.3 + 0.01 * (s // 60 % 7 - 3)`) },
    ]);
    const { result, anomalies } = await detect('2024-06-12', readings, []);
    expect(result).toEqual({ scored: 48, anomalies: 1 });
    expect(flagged(anomalies)).toEqual([
      {
        meter_id: 'new',
        ts: '2024-06-12T18:00:00Z',
        kwh: 1.5,
        reason: "5.0× the meter's usual consumption (1.50 kWh against 0.30)",
      },
    ]);
  });

  it('scores every reading of a 25-hour day, at 15 and 60 minutes, naming the repeated hour', async () => {
    const day = '2024-10-27';
    // 01:15 UTC is the second 02:15 of the day in Paris (winter time).
    const spike = `CASE WHEN s = ${Date.parse('2024-10-27T01:15:00Z') / 1000} THEN 0.9 ELSE ${HOUSEHOLD} END`;
    const { readings, history } = await writeWithHistory(
      day,
      [household('autumn-15', 15), household('autumn-60', 60)],
      [{ meter: 'autumn-15', stepMinutes: 15, kwh: spike }, household('autumn-60', 60)],
    );
    const { result, anomalies } = await detect(day, readings, history);
    expect(result).toEqual({ scored: 100 + 25, anomalies: 1 });
    expect(flagged(anomalies)).toEqual([
      {
        meter_id: 'autumn-15',
        ts: '2024-10-27T01:15:00Z',
        kwh: 0.9,
        reason: "4.5× the meter's usual 02:15 consumption (0.90 kWh against 0.20)",
      },
    ]);
  });
});

describe('anomaly output', () => {
  it('is byte-identical from run to run, whatever the number of threads', async () => {
    await loadKaggle();
    const day = '2024-03-31';
    const history = await inTurn(daysBefore(day, HISTORY_DAYS), (d) => kaggleDay(d));
    const readings = await kaggleDay(day);
    const first = await detect(day, readings, history);
    const second = await detect(day, readings, history);
    const instance = await openDuckDb({ threads: 4, tempDirectory: scratch.dir });
    const other = await instance.connect();
    const target = scratchFile('anomalies-4-threads.parquet');
    try {
      await scoreAnomalies(other, { day, readings, history, target });
    } finally {
      other.closeSync();
      instance.closeSync();
    }
    const bytes = await readFile(first.target);
    expect(first.anomalies.length).toBeGreaterThan(0);
    expect(await readFile(second.target)).toEqual(bytes);
    expect(await readFile(target)).toEqual(bytes);
  });

  it('gives the same bytes when the meters are scored in chunks', async () => {
    const day = '2024-06-12';
    const spiked = (meter: string): Meter => ({ meter, stepMinutes: 30, kwh: at('03:00', 2.5) });
    const usual = ['a', 'b', 'c', 'd', 'e'].map((m) => household(`meter-${m}`));
    const { readings, history } = await writeWithHistory(day, usual, [
      ...usual.slice(0, 3),
      spiked('meter-d'),
      spiked('meter-e'),
      spiked('meter-new'),
    ]);
    const whole = await detect(day, readings, history);
    const target = scratchFile('anomalies-chunked.parquet');
    const chunked = await scoreAnomalies(scratch.connection, { day, readings, history, target, chunkReadings: 1_000 });
    expect([...new Set(whole.anomalies.map((a) => a.meter_id))]).toEqual(['meter-d', 'meter-e', 'meter-new']);
    expect(chunked).toEqual(whole.result);
    expect(await readFile(target)).toEqual(await readFile(whole.target));
  });

  it('lets a DuckDB error through and refuses a malformed day', async () => {
    const readings = await writeDay('2024-06-12', [household('house')]);
    const target = scratchFile('never.parquet');
    await expect(
      scoreAnomalies(scratch.connection, {
        day: '2024-06-12',
        readings,
        history: [path.join(scratch.dir, 'missing.parquet')],
        target,
      }),
    ).rejects.toThrow(/missing\.parquet/);
    expect(existsSync(target)).toBe(false);
    await expect(
      scoreAnomalies(scratch.connection, { day: '2024-6-12', readings, history: [], target }),
    ).rejects.toThrow(RangeError);
  });
});
