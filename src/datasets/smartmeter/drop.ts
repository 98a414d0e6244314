/** Smart-meter files dropped in `inbox/smartmeter/`: their options and the Paris days they hold readings for. */
import { z } from 'zod';
import { BadDataError } from '../../shared/errors.js';
import { parisDayBounds, parisDateOf, nextDate } from '../../shared/partition.js';
import type { DropHandler } from '../contract.js';
import type { SmartMeterConfig } from './config.js';
import { asBadData } from './duckdb-errors.js';
import { meterOf } from './day-transform.js';
import { readHeaderLine } from './header.js';
import { fileRowsSql } from './rows-sql.js';
import { recogniseShape } from './shapes.js';

/** What `--meter-id` (and a meter id in a drop's options) may hold. */
export const METER_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const smartMeterDrop: DropHandler<SmartMeterConfig> = {
  options: z.object({
    meterId: z.string().regex(METER_ID, { message: 'letters, digits, . _ - only (at most 64)' }).optional(),
    fileName: z.string().optional(),
  }),

  /**
   * The Paris days of the file's readings that can be kept, ascending; readings after the end of
   * tomorrow (Paris) are not days of the file. A file whose header has no known shape, an empty,
   * binary or UTF-16 file, or one with a header and no row is refused (BadDataError).
   */
  async days({ db, path, file, options, config, now }) {
    const shape = recogniseShape(await readHeaderLine(path, file), file, config.stepMinutes);
    const rows = fileRowsSql({
      path,
      file,
      arrival: 0,
      shape,
      meterId: meterOf({ options, key: file }),
      blankLines: [],
    });
    const last = parisDayBounds(nextDate(parisDateOf(now))).end.toISOString();
    const result = await asBadData(file, () =>
      db.runAndReadAll(
        `SELECT count(*) AS n,
                list(DISTINCT day ORDER BY day) FILTER (WHERE reason IS NULL AND ts < '${last}'::TIMESTAMPTZ) AS days
         FROM (SELECT *, strftime(timezone('Europe/Paris', ts), '%Y-%m-%d') AS day FROM (${rows}))`,
      ),
    );
    const [row] = result.getRowsJson();
    if (!row || Number(row[0]) === 0) throw new BadDataError({ file }, 'the file has a header and no reading');
    return (Array.isArray(row[1]) ? row[1] : []).map(String);
  },
};
