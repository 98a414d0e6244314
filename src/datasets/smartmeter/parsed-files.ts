/**
 * Parse once (`../parsed-cache.ts`): a smart-meter file, whatever its shape, read and checked by
 * DuckDB once (`rows-sql.ts`), its kept readings written as Parquet in a folder per Paris day and
 * its rejected rows beside them; its days in the manifest. The claim of a dropped file reads it to
 * know its days and leaves it in the cache; each of the file's days then reads only its own folder
 * and the rejects — a file of N days is read once, not N + 1 times.
 *
 * What the parse settles once for the whole file: every non-blank line after the header is a row,
 * kept or rejected (a line DuckDB's reader skipped would be lost without a reason, so the file is
 * refused instead), and a Paris local time of the October hour that repeats, written twice for a
 * meter, is summer time the first time and winter time the second (written once, winter time).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { sqlString } from '../../duckdb/columns.js';
import { BadDataError } from '../../workflow-safe/errors.js';
import { parsedCache } from '../parsed-cache.js';
import type { SmartMeterConfig } from './config.js';
import { asBadData } from './duckdb-errors.js';
import { readHeaderLine } from './header.js';
import { countDataLines } from './line-count.js';
import { fileRowsSql } from './rows-sql.js';
import { recogniseShape } from './shapes.js';

const manifestSchema = z.object({
  /** Rows read, kept or rejected: every non-blank line after the header. */
  rows: z.number().int(),
  /** Whether the file's shape carries a label. */
  labelled: z.boolean(),
  /** The Paris days (`YYYY-MM-DD`) of its kept readings, ascending. */
  days: z.array(z.string()),
  /** Whether it has rejected rows. */
  rejects: z.boolean(),
});

type Manifest = z.infer<typeof manifestSchema>;

/** The folder of the parsed rows, one folder `part=…` per Paris day of kept readings and one for the rejected rows. */
const ROWS = 'rows';
const PART = 'part';
const REJECTED = 'rejected';
/** The columns of a kept reading in the parse: its line, meter, instant, energy, label and step. */
const READING_COLUMNS = 'line, meter_id, ts, kwh, label, step';

/** A header of each shape: the version of the parse is the SQL reading them and the parse's own. */
const SHAPE_HEADERS = [
  'meter_id,timestamp,kwh',
  'Timestamp,Electricity_Consumed,Anomaly_Label',
  'Date;Time;Global_active_power',
  'LCLid,stdorToU,DateTime,KWH/hh (per half hour) ',
];

const cache = parsedCache({
  dataset: 'smartmeter',
  format: [
    ...SHAPE_HEADERS.map((header) =>
      fileRowsSql({
        path: '',
        file: '',
        arrival: 0,
        shape: recogniseShape(header, '', 15),
        meterId: '',
        blankLines: [],
      }),
    ),
    '2',
  ].join('\n'),
  manifest: manifestSchema,
  maxBytes: 4 * 1024 ** 3,
});

/** A file to parse: its local copy, its storage key (named in errors), its bytes' hash and its meter. */
export interface SmartMeterSource {
  readonly path: string;
  readonly key: string;
  readonly sha256: string;
  /** The meter of a file whose shape has none. */
  readonly meterId: string;
}

/** A parsed file: where its rows are, and its manifest. */
export interface ParsedSmartMeterFile {
  readonly dir: string;
  readonly manifest: Manifest;
}

/**
 * The parsed rows of `source`, from the cache or read now on `db` and kept. Throws BadDataError
 * naming the file for a file of no known shape, an empty or binary one, or one with lines that are
 * not rows.
 */
export async function parsedSmartMeterFile(
  db: DuckDBConnection,
  source: SmartMeterSource,
  config: SmartMeterConfig,
): Promise<ParsedSmartMeterFile> {
  const entry = await cache.entry(
    {
      local: source.path,
      sha256: source.sha256,
      variant: `${source.meterId}\n${config.stepMinutes}`,
    },
    (out) => parse(db, source, config, out),
  );
  return entry;
}

/** The Parquet files of the parsed file's rejected rows (`line`, `reason`, `bad_column`, `bad_value`…); only when its manifest has `rejects`. */
export function rejectedRowsPath(parsed: ParsedSmartMeterFile): string {
  return path.join(parsed.dir, ROWS, `${PART}=${REJECTED}`, '*.parquet');
}

/**
 * SQL giving the parsed file's kept readings of Paris day `date` and every rejected row, in the
 * columns of the day's rows, its rows placed `arrival`-th among the day's files. The first of two
 * writings of a repeated October local time for a meter is summer time, an hour earlier (the same
 * day: the hour repeated is 02:00–03:00).
 */
export function parsedDayRowsSql(parsed: ParsedSmartMeterFile, date: string, arrival: number): string {
  const part = (name: string) =>
    `read_parquet(${sqlString(path.join(parsed.dir, ROWS, `${PART}=${name}`, '*.parquet'))})`;
  const rows = (ts: string) =>
    `SELECT ${arrival} AS arrival, line, meter_id, ${ts} AS ts, kwh, label, step, reason, bad_column, bad_value`;
  const parts = [
    `${rows('NULL::TIMESTAMPTZ')} FROM (SELECT NULL::BIGINT AS line, NULL::VARCHAR AS meter_id, NULL::DOUBLE AS kwh,
       NULL::VARCHAR AS label, NULL::INTEGER AS step, NULL::VARCHAR AS reason, NULL::VARCHAR AS bad_column,
       NULL::VARCHAR AS bad_value) WHERE false`,
  ];
  if (parsed.manifest.rejects) parts.push(`${rows('ts')} FROM ${part(REJECTED)}`);
  if (parsed.manifest.days.includes(date)) {
    const firstOfTwo = `row_number() OVER (PARTITION BY meter_id, naive ORDER BY line) = 1
      AND count(*) OVER (PARTITION BY meter_id, naive) > 1`;
    parts.push(`${rows('ts')} FROM ${part(date)} WHERE NOT repeated`);
    parts.push(
      `${rows(`CASE WHEN ${firstOfTwo} THEN ts - INTERVAL 1 HOUR ELSE ts END`)} FROM ${part(date)} WHERE repeated`,
    );
  }
  return parts.join(' UNION ALL ');
}

async function parse(
  db: DuckDBConnection,
  source: SmartMeterSource,
  config: SmartMeterConfig,
  out: string,
): Promise<Manifest> {
  const shape = recogniseShape(await readHeaderLine(source.path, source.key), source.key, config.stepMinutes);
  const lines = await countDataLines(source.path, source.key);
  const rows = fileRowsSql({
    path: source.path,
    file: source.key,
    arrival: 0,
    shape,
    meterId: source.meterId,
    blankLines: lines.blankLines ?? [],
  });
  const part = `CASE WHEN reason IS NULL THEN timezone('Europe/Paris', ts)::DATE::VARCHAR ELSE '${REJECTED}' END`;
  const written = await asBadData(source.key, () =>
    db.runAndReadAll(
      `COPY (SELECT ${READING_COLUMNS}, repeated, CASE WHEN repeated THEN naive END AS naive, reason, bad_column,
                    bad_value, ${part} AS ${PART}
             FROM (${rows}))
       TO ${sqlString(path.join(out, ROWS))} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (${PART}))`,
    ),
  );
  const read = Number(written.getRows()[0]?.[0] ?? 0);
  if (read !== lines.dataLines) {
    throw new BadDataError(
      { file: source.key },
      `${lines.dataLines} non-blank lines follow the header, but ${read} were read as rows (a carriage return alone as a line end?)`,
    );
  }
  const names = read === 0 ? [] : (await readdir(path.join(out, ROWS))).map((name) => name.slice(PART.length + 1));
  return {
    rows: read,
    labelled: shape.label !== null,
    days: names.filter((name) => name !== REJECTED).sort(),
    rejects: names.includes(REJECTED),
  };
}
