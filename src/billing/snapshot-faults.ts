/**
 * The refusal of a go-live snapshot CSV (snapshot.ts): the faults a query finds, each a line, a
 * column and what is wrong there, counted whole and named up to FAULTS_NAMED in one BadDataError
 * located at the first.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { BadDataError } from '../workflow-safe/errors.js';

/** Faults named at most in one refusal; the others are counted. */
export const FAULTS_NAMED = 20;

const faultsSchema = z.array(
  z.object({ line: z.number(), column: z.string().nullable(), problem: z.string(), total: z.number() }),
);
export type SnapshotFault = Omit<z.infer<typeof faultsSchema>[number], 'total'>;

/**
 * The first FAULTS_NAMED faults of `faultsSql` (columns `line`, `column`, `problem` and `rank`,
 * which orders the faults of one line) in the order of the file, and how many it finds in all.
 */
export async function firstFaults(
  db: DuckDBConnection,
  faultsSql: string,
): Promise<{ faults: SnapshotFault[]; total: number }> {
  const rows = faultsSchema.parse(
    (
      await db.runAndReadAll(`SELECT line::INTEGER AS line, "column", problem, (count(*) OVER ())::INTEGER AS total
        FROM (${faultsSql}) ORDER BY line, rank LIMIT ${FAULTS_NAMED}`)
    ).getRowObjectsJson(),
  );
  return { faults: rows.map(({ total: _total, ...fault }) => fault), total: rows[0]?.total ?? 0 };
}

const faultText = (f: SnapshotFault) =>
  `line ${f.line}${f.column === null ? '' : `, column ${f.column}`}: ${f.problem}`;

/** The refusal of the file `name` for `faults` (the first of `total`), `more` said after them. */
export function snapshotRefusal(
  name: string,
  found: { readonly faults: readonly SnapshotFault[]; readonly total: number },
  more = '',
): BadDataError {
  const first = found.faults[0];
  const unnamed = found.total - found.faults.length;
  return new BadDataError(
    {
      file: name,
      ...(first === undefined ? {} : { line: first.line }),
      ...(first === undefined || first.column === null ? {} : { column: first.column }),
    },
    `${found.total} fault(s), nothing imported: ${found.faults.map(faultText).join('; ')}` +
      `${unnamed > 0 ? `; and ${unnamed} more` : ''}${more}`,
  );
}
