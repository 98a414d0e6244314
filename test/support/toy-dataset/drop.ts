/** Files of `ts,value` dropped in the inbox: the Paris days their values fall on. */
import { z } from 'zod';
import type { DropHandler } from '../../../src/datasets/capabilities/drop.js';
import { sqlString } from '../../../src/duckdb/columns.js';
import { BadDataError } from '../../../src/workflow-safe/errors.js';
import type { ToyConfig } from './config.js';
import { readValuesCsv, VALUES_HEADER } from './values.js';

export const toyDropHandler: DropHandler<ToyConfig> = {
  options: z.object({ fileName: z.string() }),
  async days({ db, path, file }) {
    const first = (
      await db.runAndReadAll(`SELECT * FROM read_csv(${sqlString(path)}, header = false) LIMIT 1`)
    ).getRows()[0];
    if (first?.join(',') !== VALUES_HEADER)
      throw new BadDataError({ file, line: 1 }, `expected the header ${VALUES_HEADER}`);
    const rows = await db.runAndReadAll(
      `SELECT DISTINCT strftime(timezone('Europe/Paris', ts), '%Y-%m-%d') AS day FROM ${readValuesCsv(path)} ORDER BY day`,
    );
    return rows.getRows().map((row) => String(row[0]));
  },
};
