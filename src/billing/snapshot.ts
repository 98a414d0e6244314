/**
 * The go-live snapshot: the supplier's portfolio when it starts billing with courant, whose C15
 * entries came years before the flows it can still fetch. A CSV with the header
 * `prm,contract,fta,kva,since` (UTF-8, one contract a line; `since` the Paris day the contract has
 * been in force from), read by DuckDB (snapshot-csv.ts), each row checked (snapshot-rules.ts), then
 * merged into the stored snapshot (`billing/snapshot/contracts.parquet`): each row starts its
 * contract as an entry would (docs/billing.md, "Going live"). Importing a file again changes
 * nothing; a file with a bad row changes nothing either, and names every fault (up to 20) with its
 * line and column.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { sqlString } from '../duckdb/columns.js';
import { copyToParquetSql } from '../duckdb/copy.js';
import type { Rates } from './rates.js';
import { withSnapshotRows } from './snapshot-csv.js';
import { firstFaults, snapshotRefusal } from './snapshot-faults.js';
import { snapshotFaultsSql, typedColumnsSql } from './snapshot-rules.js';

export interface SnapshotImport {
  /** Rows of the file, and those that add a contract to the snapshot (the others are in it already). */
  readonly rows: number;
  readonly added: number;
  /** Contracts in the snapshot once merged. */
  readonly contracts: number;
  /** The earliest `since` (YYYY-MM-DD) of the contracts added; null when none is. */
  readonly earliestAdded: string | null;
}

const importSchema = z.object({
  rows: z.number(),
  added: z.number(),
  contracts: z.number(),
  earliestAdded: z.string().nullable(),
});

/**
 * Checks the CSV `file` (named `name` in errors) and merges its rows with the snapshot at `stored`
 * (null: none yet) into `target`: the stored rows, then the file's new ones, in PRM order. A fault
 * anywhere throws a BadDataError naming each fault's line and column, and writes nothing.
 */
export async function mergeSnapshot(
  db: DuckDBConnection,
  rates: Rates,
  input: { readonly file: string; readonly name: string; readonly stored: string | null; readonly target: string },
): Promise<SnapshotImport> {
  const stored =
    input.stored === null
      ? `SELECT NULL::VARCHAR AS prm, NULL::VARCHAR AS contract, NULL::VARCHAR AS fta, NULL::DECIMAL(9, 3) AS kva,
           NULL::VARCHAR AS kva_text, NULL::DATE AS since, NULL::VARCHAR AS file, NULL::BIGINT AS line WHERE false`
      : `SELECT * FROM read_parquet(${sqlString(input.stored)})`;
  return withSnapshotRows(db, input.file, input.name, typedColumnsSql, async () => {
    const found = await firstFaults(db, snapshotFaultsSql([...new Set(rates.turpe.map((r) => r.fta))], stored));
    if (found.total > 0) throw snapshotRefusal(input.name, found);
    // A contract given twice with the same values is added once, from its first line.
    const added = `SELECT prm, contract, fta, kva, kva_text, since, ${sqlString(input.name)} AS file, line FROM (
          SELECT * FROM snapshot_rows QUALIFY row_number() OVER (PARTITION BY prm, contract ORDER BY line) = 1)
        ANTI JOIN (${stored}) USING (prm, contract)`;
    await db.run(copyToParquetSql(`SELECT * FROM (${stored}) UNION ALL ${added} ORDER BY prm, contract`, input.target));
    return importSchema.parse(
      (
        await db.runAndReadAll(`WITH merged AS (SELECT count(*) AS n FROM read_parquet(${sqlString(input.target)})),
              before AS (SELECT count(*) AS n FROM (${stored}))
            SELECT (SELECT count(*) FROM snapshot_rows)::INTEGER AS rows,
              ((SELECT n FROM merged) - (SELECT n FROM before))::INTEGER AS added,
              (SELECT n FROM merged)::INTEGER AS contracts,
              (SELECT strftime(min(since), '%Y-%m-%d') FROM snapshot_rows ANTI JOIN (${stored}) USING (prm, contract)) AS "earliestAdded"`)
      ).getRowObjectsJson()[0],
    );
  });
}
