/**
 * A day's table that DuckDB cannot read while a period report is built (its Parquet truncated,
 * overwritten or not Parquet at all): bad data, not a fault to retry. The report fails naming the
 * day and the stored file, and what mends it, instead of DuckDB's bare "No magic bytes found…".
 */
import { BadDataError } from '../workflow-safe/errors.js';

/** Where a local copy (or the store's own file) of a day's table came from. */
export interface TableOrigin {
  readonly dataset: string;
  readonly date: string;
  readonly key: string;
}

/** The first line of DuckDB's message, without the path it names (said by the key instead). */
function reasonOf(message: string, local: string): string {
  return (message.split('\n')[0] ?? message).replaceAll(`"${local}"`, 'it').replaceAll(local, 'it');
}

/**
 * The BadDataError `error` stands for when its message names one of the tables read (by local
 * path); undefined otherwise (anything else stays as it was).
 */
export function unreadableTable(error: unknown, origins: ReadonlyMap<string, TableOrigin>): BadDataError | undefined {
  if (!(error instanceof Error)) return undefined;
  for (const [local, { dataset, date, key }] of origins) {
    if (!error.message.includes(local)) continue;
    const one = `--from ${date} --to ${date} --datasets ${dataset}`;
    return new BadDataError(
      { file: key },
      `the ${dataset} table of ${date} cannot be read (${reasonOf(error.message, local)}); ` +
        `check the day's outputs with courant verify ${one} --deep, then run it again with ` +
        `courant backfill ${one} --mode missing`,
      { cause: error },
    );
  }
  return undefined;
}
