/** Smart-meter files dropped in `inbox/smartmeter/`: their options and the Paris days they hold readings for. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { sqlString } from '../../duckdb/columns.js';
import { BadDataError } from '../../workflow-safe/errors.js';
import { nextDate, parisDateOf } from '../../workflow-safe/partition.js';
import type { DropHandler } from '../capabilities/drop.js';
import type { SmartMeterConfig } from './config.js';
import { meterOf } from './day-transform.js';
import { parsedSmartMeterFile, rejectedRowsPath, type ParsedSmartMeterFile } from './parsed-files.js';

/** What `--meter-id` (and a meter id in a drop's options) may hold. */
export const METER_ID = /^[A-Za-z0-9._-]{1,64}$/;

const rejectSchema = z.tuple([z.coerce.number().int(), z.string().nullable(), z.string().nullable(), z.string()]);

/** A file whose every row was rejected, refused naming its first rejected row: line, column, value and why. */
async function everyRowRejected(db: DuckDBConnection, parsed: ParsedSmartMeterFile, file: string) {
  const found = await db.runAndReadAll(
    `SELECT line, bad_column, bad_value, reason FROM read_parquet(${sqlString(rejectedRowsPath(parsed))})
     ORDER BY line LIMIT 1`,
  );
  const [line, column, value, reason] = rejectSchema.parse(found.getRowsJson()[0]);
  const rows = parsed.manifest.rows;
  return new BadDataError(
    { file, line, ...(column === null ? {} : { column }) },
    `holds no reading courant can keep: ${rows === 1 ? 'its one row is' : `all ${rows} rows are`} rejected, ` +
      `the first as ${reason}${value === null ? '' : ` (${JSON.stringify(value)})`}`,
  );
}

export const smartMeterDrop: DropHandler<SmartMeterConfig> = {
  options: z.object({
    meterId: z.string().regex(METER_ID, { message: 'letters, digits, . _ - only (at most 64)' }).optional(),
    fileName: z.string().optional(),
  }),

  /**
   * The Paris days of the file's readings that can be kept, ascending, up to tomorrow (Paris). A
   * file whose header has no known shape, an empty, binary or UTF-16 file, or one with a header
   * and no row is refused (BadDataError), and so is a file whose every row is rejected, naming the
   * first (line, column, value and reason). The file's rows are kept for its days
   * (`parsed-files.ts`): claiming reads the file, its days do not read it again.
   */
  async days({ db, path, file, sha256, options, config, now }) {
    const parsed = await parsedSmartMeterFile(
      db,
      { path, key: file, sha256, meterId: meterOf({ options, key: file }) },
      config,
    );
    if (parsed.manifest.rows === 0) throw new BadDataError({ file }, 'the file has a header and no reading');
    if (parsed.manifest.days.length === 0 && parsed.manifest.rejects) throw await everyRowRejected(db, parsed, file);
    const last = nextDate(parisDateOf(now));
    return parsed.manifest.days.filter((day) => day <= last);
  },
};
