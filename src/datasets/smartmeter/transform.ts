/**
 * The smart-meter dataset's daily transform: a day's CSV of (meter_id, timestamp, kWh) readings →
 * the kept readings as Parquet, every rejected row as JSON lines (file, line, column, value,
 * reason), and per-meter daily metrics (Parquet) with the day's summary (metrics.json).
 *
 * DuckDB reads the file itself, so memory stays bounded whatever the number of rows (DESIGN §9):
 * the worker's DuckDB limit, a few MiB of JavaScript, and state per meter (not per reading) for
 * the metrics. A clean file is read once; a file with rejected rows is read a second time, in
 * order, to name each rejected row's line and reason.
 *
 * Smart meters have no source yet, so `smartmeter` is not in the pipeline's DATASETS: this is the
 * transform its activity will call once a source exists (download the day's file, call this with
 * local paths, store the three outputs under processed/, quarantine/ and metrics/). Plain code: no
 * Temporal, no storage.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { writeFile } from 'node:fs/promises';
import { BadDataError } from '../../shared/errors.js';
import { expectedPoints, parisDayBounds, PARTITION_TIMEZONE } from '../../shared/partition.js';
import { readSmartMeterHeader } from './header.js';
import { countDataLines, type LineCount } from './line-count.js';
import type { SmartMeterMetrics } from './metrics-schema.js';
import {
  copyJsonLines,
  copyParquet,
  dayPeakQuery,
  daySummaryQuery,
  keptRowsQuery,
  meterDailyQuery,
  rejectedRowsQuery,
  type DayGrid,
  type ScanPlan,
} from './sql.js';

export { smartMeterMetricsSchema, type SmartMeterMetrics } from './metrics-schema.js';

export type SmartMeterStep = 15 | 30 | 60;

export interface SmartMeterDayInput {
  /** The Paris day, `YYYY-MM-DD`. Readings outside it are rejected. */
  readonly date: string;
  /** Local path of the day's CSV file, UTF-8, with a header naming meter_id, timestamp and kwh. */
  readonly csvPath: string;
  /** Name written in rejects and errors, e.g. the raw file's storage key. */
  readonly file: string;
  /** Local files written (overwritten). */
  readonly targets: {
    readonly readings: string;
    readonly meterDaily: string;
    readonly rejects: string;
  };
  /** The meters' interval, 30 minutes unless told. Readings off this grid are rejected. */
  readonly stepMinutes?: SmartMeterStep;
}

export interface SmartMeterDayOutput {
  /** Data lines read (blank lines not counted), kept, rejected: read = written + rejected. */
  readonly rows: { readonly read: number; readonly written: number; readonly rejected: number };
  readonly metrics: SmartMeterMetrics;
}

function dayGrid(date: string, stepMinutes: SmartMeterStep): DayGrid {
  const { start, end } = parisDayBounds(date);
  return {
    date,
    startMs: start.getTime(),
    endMs: end.getTime(),
    stepMinutes,
    expectedIntervals: expectedPoints(date, stepMinutes),
  };
}

async function count(connection: DuckDBConnection, sql: string): Promise<number> {
  const result = await connection.runAndReadAll(sql);
  return Number(result.getRows()[0]?.[0] ?? 0);
}

/** The line a DuckDB CSV error names, or null for any other error. */
function lineOfCsvError(error: unknown): number | null {
  const line = /CSV Error on Line: (\d+)/.exec(error instanceof Error ? error.message : String(error))?.[1];
  return line === undefined ? null : Number(line);
}

/** A file DuckDB cannot read at all: not UTF-8, or a line too long to be a reading. Null otherwise. */
function unreadableFile(error: unknown, file: string): BadDataError | null {
  const line = lineOfCsvError(error);
  if (line === null) return null;
  const message = error instanceof Error ? error.message : String(error);
  if (/invalid unicode|invalid encoding/i.test(message)) {
    return new BadDataError({ file, line }, 'expected UTF-8 text, found bytes that are not UTF-8 (a Latin-1 file?)', {
      cause: error,
    });
  }
  if (/maximum line size/i.test(message)) {
    return new BadDataError({ file, line }, 'a line is longer than any smart-meter reading (over 2 MB)', {
      cause: error,
    });
  }
  return null;
}

/** Runs a query, turning DuckDB's CSV errors into BadDataError with their line. */
async function asBadData<T>(file: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const line = lineOfCsvError(error);
    if (line === null) throw error;
    const firstLine = (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';
    throw unreadableFile(error, file) ?? new BadDataError({ file, line }, `the CSV cannot be read: ${firstLine}`);
  }
}

interface Outputs {
  readonly written: number;
  readonly rejected: number;
}

/**
 * The `lines` scan for both outputs, when DuckDB's reader and the line count disagree about where
 * lines end (stray carriage returns): slower, exact whatever the file holds.
 */
async function writeLineByLine(
  connection: DuckDBConnection,
  plan: ScanPlan,
  input: SmartMeterDayInput,
): Promise<Outputs> {
  return asBadData(plan.file, async () => ({
    written: await count(connection, copyParquet(keptRowsQuery(plan, 'lines'), input.targets.readings)),
    rejected: await count(connection, copyJsonLines(rejectedRowsQuery(plan, 'lines'), input.targets.rejects)),
  }));
}

type KeptRows = { readonly written: number; readonly lines: LineCount } | { readonly lineByLine: Outputs };

/**
 * Writes the kept readings while JavaScript counts the data lines. When DuckDB's reader refuses
 * the file for anything but unreadable bytes (a stray carriage return confusing its line ends,
 * say), the line-by-line scan writes both outputs instead.
 */
async function writeKeptRows(
  connection: DuckDBConnection,
  plan: ScanPlan,
  input: SmartMeterDayInput,
): Promise<KeptRows> {
  const [kept, counted] = await Promise.allSettled([
    count(connection, copyParquet(keptRowsQuery(plan, 'fields'), input.targets.readings)),
    countDataLines(input.csvPath),
  ]);
  if (counted.status === 'rejected') throw counted.reason;
  if (kept.status === 'fulfilled') return { written: kept.value, lines: counted.value };
  const unreadable = unreadableFile(kept.reason, plan.file);
  if (unreadable) throw unreadable;
  return { lineByLine: await writeLineByLine(connection, plan, input) };
}
async function dayMetrics(
  connection: DuckDBConnection,
  grid: DayGrid,
  targets: SmartMeterDayInput['targets'],
): Promise<SmartMeterMetrics> {
  await connection.run(copyParquet(meterDailyQuery(targets.readings, grid), targets.meterDaily));
  const summary = (await connection.runAndReadAll(daySummaryQuery(targets.meterDaily))).getRowObjects()[0] ?? {};
  const peak = (await connection.runAndReadAll(dayPeakQuery(targets.meterDaily))).getRowObjects()[0];
  const meters = Number(summary.meters ?? 0);
  const totalKWh = summary.total_kwh === null || summary.total_kwh === undefined ? null : Number(summary.total_kwh);
  const presentIntervals = Number(summary.intervals ?? 0);
  return {
    dataset: 'smartmeter',
    date: grid.date,
    timezone: PARTITION_TIMEZONE,
    stepMinutes: grid.stepMinutes as SmartMeterStep,
    expectedIntervalsPerMeter: grid.expectedIntervals,
    meters,
    readings: Number(summary.readings ?? 0),
    totalKWh,
    meanKWhPerMeter: totalKWh === null || meters === 0 ? null : Math.round((totalKWh / meters) * 1e6) / 1e6,
    presentIntervals,
    missingIntervals: Number(summary.missing_intervals ?? 0),
    completeness: meters === 0 ? null : presentIntervals / (meters * grid.expectedIntervals),
    metersWithGaps: Number(summary.meters_with_gaps ?? 0),
    duplicateReadings: Number(summary.duplicate_readings ?? 0),
    peakReading: peak
      ? {
          meterId: String(peak.meter_id),
          kWh: Number(peak.peak_kwh),
          at: new Date(Number(peak.peak_at_ms)).toISOString(),
        }
      : null,
  };
}

/**
 * Transforms one day's file. Throws BadDataError (line 1) when the header lacks a required column,
 * and (with the line) when the file is not UTF-8; a wrong row is rejected and the others kept.
 * A file with no usable row gives zero meters, not an error: the caller decides whether an empty
 * day fails. Idempotent: the same file gives the same rows and figures (rows in no fixed order).
 */
export async function transformSmartMeterDay(
  db: DuckDBInstance,
  input: SmartMeterDayInput,
): Promise<SmartMeterDayOutput> {
  const header = await readSmartMeterHeader(input.csvPath, input.file);
  const grid = dayGrid(input.date, input.stepMinutes ?? 30);
  const plan: ScanPlan = { csvPath: input.csvPath, file: input.file, header, grid };
  const connection = await db.connect();
  const done = (rows: Outputs, metrics: SmartMeterMetrics): SmartMeterDayOutput => ({
    rows: { read: rows.written + rows.rejected, ...rows },
    metrics,
  });
  try {
    const kept = await writeKeptRows(connection, plan, input);
    if ('lineByLine' in kept) return done(kept.lineByLine, await dayMetrics(connection, grid, input.targets));
    const { written, lines } = kept;
    if (written === lines.dataLines) {
      // Every line was kept: nothing more to read.
      await writeFile(input.targets.rejects, '');
      return done({ written, rejected: 0 }, await dayMetrics(connection, grid, input.targets));
    }
    const { blankLines } = lines;
    if (blankLines !== null) {
      // Numbering the rejected rows reads the file again, in order. (Computing the metrics at the
      // same time on another connection saved a few percent and cost 60 MB of peak memory.)
      const rejected = await asBadData(plan.file, () =>
        count(connection, copyJsonLines(rejectedRowsQuery(plan, 'fields', blankLines), input.targets.rejects)),
      );
      if (written + rejected === lines.dataLines) {
        return done({ written, rejected }, await dayMetrics(connection, grid, input.targets));
      }
    }
    const rows = await writeLineByLine(connection, plan, input);
    return done(rows, await dayMetrics(connection, grid, input.targets));
  } finally {
    connection.closeSync();
  }
}
