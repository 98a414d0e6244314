/** Enedis flow files dropped in `inbox/enedis/`: the Paris days whose end their readings close. */
import { rm } from 'node:fs/promises';
import { z } from 'zod';
import { BadDataError } from '../../shared/errors.js';
import { nextDate, parisDateOf } from '../../shared/partition.js';
import type { DropHandler } from '../contract.js';
import type { EnedisConfig } from './config.js';
import { writeFlowValues } from './flow-xml.js';
import { flowRowsSql } from './rows-sql.js';

export const enedisDrop: DropHandler<EnedisConfig> = {
  options: z.object({ fileName: z.string().optional() }),

  /**
   * The Paris days the file's kept readings close, ascending (none after tomorrow, Paris). A file
   * that is not well-formed XML, not an R151 or C15 flow, or holds no index value is refused
   * (BadDataError naming the line and column when there is one).
   */
  async days({ db, path, file, now }) {
    const values = `${path}.values.jsonl`;
    try {
      const summary = await writeFlowValues(path, file, values);
      if (summary.values === 0) throw new BadDataError({ file }, `the ${summary.flow} file holds no index value`);
      const last = nextDate(parisDateOf(now));
      const rows = (
        await db.runAndReadAll(
          `SELECT DISTINCT strftime(day, '%Y-%m-%d') AS day
           FROM (${flowRowsSql([{ path: values, file, arrival: 0 }])})
           WHERE reason IS NULL AND NOT skipped AND day <= '${last}'::DATE ORDER BY day`,
        )
      ).getRowsJson();
      return rows.flatMap(([day]) => (typeof day === 'string' ? [day] : []));
    } finally {
      await rm(values, { force: true });
    }
  },
};
