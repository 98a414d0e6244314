/** Enedis flow files (XML, or zips of them) dropped in `inbox/enedis/`: the Paris days whose end their readings close. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { sqlString } from '../../duckdb/columns.js';
import { BadDataError } from '../../workflow-safe/errors.js';
import { nextDate, parisDateOf } from '../../workflow-safe/partition.js';
import type { DropHandler } from '../capabilities/drop.js';
import type { EnedisConfig } from './config.js';
import { parsedFile, type ParsedFile } from './parsed-files.js';

const rejectSchema = z.tuple([
  z.string(),
  z.coerce.number().int(),
  z.string().nullable(),
  z.string().nullable(),
  z.string(),
]);

/**
 * A file whose every value was rejected, refused naming its first rejected value: where it is,
 * its element, the value and why.
 */
async function everyValueRejected(db: DuckDBConnection, parsed: ParsedFile, file: string): Promise<BadDataError> {
  const found = await db.runAndReadAll(
    `SELECT file, line, bad_column, bad_value, reason FROM read_parquet(${sqlString(parsed.rows)})
     WHERE reason IS NOT NULL ORDER BY file, line LIMIT 1`,
  );
  const [suffix, line, column, value, reason] = rejectSchema.parse(found.getRowsJson()[0]);
  const count = parsed.manifest.rejected;
  return new BadDataError(
    { file: `${file}${suffix}`, line, ...(column === null ? {} : { column }) },
    `holds no reading courant can keep: ${count === 1 ? 'its one value is' : `all ${count} values are`} rejected, ` +
      `the first as ${reason}${value === null ? '' : ` (${JSON.stringify(value)})`}`,
  );
}

export const enedisDrop: DropHandler<EnedisConfig> = {
  options: z.object({ fileName: z.string().optional() }),

  /**
   * The Paris days the file's kept readings close, ascending (none after tomorrow, Paris). The
   * file is an XML flow or a zip of them, encrypted or not (`decrypt.ts`). A file that is not well-formed XML, not an R151, C15 or R15
   * flow, a zip without any, or one holding no index value and no C15 contract event is refused (BadDataError naming the
   * line and column when there is one); so is a file whose every value is rejected, naming the first
   * (its line, element, value and reason). The parsed values are kept for the file's days
   * (`parsed-files.ts`): claiming parses the file, its days do not parse it again.
   */
  async days({ db, path, file, sha256, now, config }) {
    const parsed = await parsedFile(path, file, sha256, config.deliveryKey);
    const { parts, days } = parsed.manifest;
    if (parts.every((part) => part.count === 0 && part.events === 0))
      throw new BadDataError(
        { file },
        `the ${parts.map((p) => p.flow).join(', ')} flow holds no index value and no contract event`,
      );
    if (days.length === 0 && parsed.manifest.rejected > 0) throw await everyValueRejected(db, parsed, file);
    const last = nextDate(parisDateOf(now));
    return days.filter((day) => day <= last);
  },
};
