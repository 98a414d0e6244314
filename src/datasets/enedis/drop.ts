/** Enedis flow files (XML, or zips of them) dropped in `inbox/enedis/`: the Paris days whose end their readings close. */
import { z } from 'zod';
import { BadDataError } from '../../shared/errors.js';
import { nextDate, parisDateOf } from '../../shared/partition.js';
import type { DropHandler } from '../contract.js';
import type { EnedisConfig } from './config.js';
import { parsedFile } from './parsed-files.js';

export const enedisDrop: DropHandler<EnedisConfig> = {
  options: z.object({ fileName: z.string().optional() }),

  /**
   * The Paris days the file's kept readings close, ascending (none after tomorrow, Paris). The
   * file is an XML flow or a zip of them. A file that is not well-formed XML, not an R151, C15 or R15
   * flow, a zip without any, or one holding no index value is refused (BadDataError naming the
   * line and column when there is one). The parsed values are kept for the file's days
   * (`parsed-files.ts`): claiming parses the file, its days do not parse it again.
   */
  async days({ path, file, sha256, now }) {
    const { parts, days } = (await parsedFile(path, file, sha256)).manifest;
    if (parts.every((part) => part.count === 0))
      throw new BadDataError({ file }, `the ${parts.map((p) => p.flow).join(', ')} flow holds no index value`);
    const last = nextDate(parisDateOf(now));
    return days.filter((day) => day <= last);
  },
};
