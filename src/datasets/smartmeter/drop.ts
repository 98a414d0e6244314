/** Smart-meter files dropped in `inbox/smartmeter/`: their options and the Paris days they hold readings for. */
import { z } from 'zod';
import { BadDataError } from '../../shared/errors.js';
import { nextDate, parisDateOf } from '../../shared/partition.js';
import type { DropHandler } from '../contract.js';
import type { SmartMeterConfig } from './config.js';
import { meterOf } from './day-transform.js';
import { parsedSmartMeterFile } from './parsed-files.js';

/** What `--meter-id` (and a meter id in a drop's options) may hold. */
export const METER_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const smartMeterDrop: DropHandler<SmartMeterConfig> = {
  options: z.object({
    meterId: z.string().regex(METER_ID, { message: 'letters, digits, . _ - only (at most 64)' }).optional(),
    fileName: z.string().optional(),
  }),

  /**
   * The Paris days of the file's readings that can be kept, ascending, up to tomorrow (Paris). A
   * file whose header has no known shape, an empty, binary or UTF-16 file, or one with a header
   * and no row is refused (BadDataError). The file's rows are kept for its days
   * (`parsed-files.ts`): claiming reads the file, its days do not read it again.
   */
  async days({ db, path, file, sha256, options, config, now }) {
    const parsed = await parsedSmartMeterFile(
      db,
      { path, key: file, sha256, meterId: meterOf({ options, key: file }) },
      config,
    );
    if (parsed.manifest.rows === 0) throw new BadDataError({ file }, 'the file has a header and no reading');
    const last = nextDate(parisDateOf(now));
    return parsed.manifest.days.filter((day) => day <= last);
  },
};
