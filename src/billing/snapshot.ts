/**
 * The go-live snapshot: the supplier's portfolio when it starts billing with courant, whose C15
 * entries came years before the flows it can still fetch. A CSV with the header
 * `prm,contract,fta,kva,since` (UTF-8, one contract a row, no line break inside a field; `since` the
 * Paris day the contract has been in force from), checked whole by DuckDB, then merged into the
 * stored snapshot (`billing/snapshot/contracts.parquet`): each row starts its contract as an entry
 * would (docs/billing.md, "Going live"). Importing a file again changes nothing; a file with a bad
 * row changes nothing either, and says every bad row (up to 20) with its line and column.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { sqlString } from '../duckdb/columns.js';
import { copyToParquetSql } from '../duckdb/copy.js';
import { BadDataError } from '../workflow-safe/errors.js';
import type { Rates } from './rates.js';

export const SNAPSHOT_COLUMNS = ['prm', 'contract', 'fta', 'kva', 'since'] as const;

/** Faults named at most in one refusal; the others are counted. */
const FAULTS_NAMED = 20;

export interface SnapshotImport {
  /** Rows of the file, and those that add a contract to the snapshot (the others are in it already). */
  readonly rows: number;
  readonly added: number;
  /** Contracts in the snapshot once merged. */
  readonly contracts: number;
}

const faultsSchema = z.array(z.object({ line: z.number(), field: z.string(), problem: z.string() }));
const countsSchema = z.object({ rows: z.number(), added: z.number(), contracts: z.number() });

/** The header's columns, as the file's first line gives them. */
async function headerOf(db: DuckDBConnection, file: string, name: string): Promise<string[]> {
  const described = await db
    .runAndReadAll(
      `DESCRIBE SELECT * FROM read_csv(${sqlString(file)}, header = true, all_varchar = true, delim = ',', quote = '"', strict_mode = true)`,
    )
    .catch((error: unknown) => {
      throw new BadDataError({ file: name, line: 1 }, 'not a CSV DuckDB can read', { cause: error });
    });
  return z
    .array(z.object({ column_name: z.string() }))
    .parse(described.getRowObjectsJson())
    .map((c) => c.column_name);
}

/**
 * Checks the CSV `file` (named `name` in errors) and merges its rows with the snapshot at `stored`
 * (null: none yet) into `target`: the stored rows, then the file's new ones, in PRM order. A fault
 * anywhere throws a BadDataError naming each bad row's line and column, and writes nothing.
 */
export async function mergeSnapshot(
  db: DuckDBConnection,
  rates: Rates,
  input: { readonly file: string; readonly name: string; readonly stored: string | null; readonly target: string },
): Promise<SnapshotImport> {
  const header = await headerOf(db, input.file, input.name);
  const missing = SNAPSHOT_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0)
    throw new BadDataError(
      { file: input.name, line: 1 },
      `the header lacks ${missing.join(', ')}: it must name ${SNAPSHOT_COLUMNS.join(',')}`,
    );
  const ftas = [...new Set(rates.turpe.map((r) => r.fta))].map(sqlString).join(', ');
  const read = `SELECT row_number() OVER () + 1 AS line, ${SNAPSHOT_COLUMNS.join(', ')}
    FROM read_csv(${sqlString(input.file)}, header = true, all_varchar = true, delim = ',', quote = '"', strict_mode = true)`;
  const stored =
    input.stored === null
      ? `SELECT NULL::VARCHAR AS prm, NULL::VARCHAR AS contract, NULL::VARCHAR AS fta, NULL::DECIMAL(9, 3) AS kva,
           NULL::VARCHAR AS kva_text, NULL::DATE AS since, NULL::VARCHAR AS file, NULL::BIGINT AS line WHERE false`
      : `SELECT * FROM read_parquet(${sqlString(input.stored)})`;
  await db.run('SET preserve_insertion_order = true');
  try {
    await db.run(`CREATE OR REPLACE TEMP TABLE snapshot_rows AS
      SELECT line, trim(prm) AS prm, trim(contract) AS contract, trim(fta) AS fta, trim(kva) AS kva_text,
        TRY_CAST(trim(kva) AS DECIMAL(9, 3)) AS kva, trim(since) AS since_text,
        CASE WHEN regexp_full_match(trim(since), '\\d{4}-\\d{2}-\\d{2}') THEN TRY_CAST(trim(since) AS DATE) END AS since
      FROM (${read})`);
  } catch (error) {
    throw new BadDataError({ file: input.name }, 'not a CSV of the snapshot', { cause: error });
  } finally {
    await db.run('SET preserve_insertion_order = false');
  }
  const faults = faultsSchema.parse(
    (
      await db.runAndReadAll(`
        WITH stored AS (${stored}),
        checked AS (
          SELECT line, 'prm' AS field, 'a PRM is 14 digits, got ' || coalesce('"' || prm || '"', 'nothing') AS problem
            FROM snapshot_rows WHERE prm IS NULL OR NOT regexp_full_match(prm, '\\d{14}')
          UNION ALL SELECT line, 'contract', 'no contract reference' FROM snapshot_rows WHERE coalesce(contract, '') = ''
          UNION ALL SELECT line, 'fta', 'no TURPE rate knows the FTA ' || coalesce('"' || fta || '"', '(none)')
            FROM snapshot_rows WHERE fta IS NULL OR fta NOT IN (${ftas})
          UNION ALL SELECT line, 'kva', 'not a number of kVA: ' || coalesce('"' || kva_text || '"', 'nothing')
            FROM snapshot_rows WHERE kva IS NULL
          UNION ALL SELECT line, 'since', 'not a day written YYYY-MM-DD that exists: ' || coalesce('"' || since_text || '"', 'nothing')
            FROM snapshot_rows WHERE since IS NULL
          UNION ALL SELECT a.line, 'contract', 'contract ' || a.contract || ' of PRM ' || a.prm || ' is also on line ' || b.line || ' with other values'
            FROM snapshot_rows a JOIN snapshot_rows b ON a.prm = b.prm AND a.contract = b.contract AND a.line > b.line
            WHERE (a.fta, a.kva, a.since) IS DISTINCT FROM (b.fta, b.kva, b.since)
          UNION ALL SELECT r.line, CASE WHEN r.fta IS DISTINCT FROM s.fta THEN 'fta' WHEN r.kva IS DISTINCT FROM s.kva THEN 'kva' ELSE 'since' END,
              'contract ' || r.contract || ' of PRM ' || r.prm || ' is already in the snapshot as ' || s.fta || ' ' || s.kva_text || ' kVA since ' ||
              strftime(s.since, '%Y-%m-%d') || ' (from ' || s.file || ', line ' || s.line || ')'
            FROM snapshot_rows r JOIN stored s ON s.prm = r.prm AND s.contract = r.contract
            WHERE (r.fta, r.kva, r.since) IS DISTINCT FROM (s.fta, s.kva, s.since))
        SELECT line::INTEGER AS line, field, problem FROM checked ORDER BY line, field`)
    ).getRowObjectsJson(),
  );
  if (faults.length > 0) {
    const first = faults[0];
    const more = faults.length > FAULTS_NAMED ? `; and ${faults.length - FAULTS_NAMED} more` : '';
    throw new BadDataError(
      { file: input.name, ...(first ? { line: first.line, column: first.field } : {}) },
      `${faults.length} fault(s), nothing imported: ` +
        faults
          .slice(0, FAULTS_NAMED)
          .map((f) => `line ${f.line}, column ${f.field}: ${f.problem}`)
          .join('; ') +
        more,
    );
  }
  const merged = `SELECT * FROM (${stored})
    UNION ALL
    SELECT prm, contract, fta, kva, kva_text, since, ${sqlString(input.name)} AS file, line FROM (
      SELECT * FROM snapshot_rows QUALIFY row_number() OVER (PARTITION BY prm, contract ORDER BY line) = 1)
    ANTI JOIN (${stored}) USING (prm, contract)
    ORDER BY prm, contract`;
  await db.run(copyToParquetSql(merged, input.target));
  return countsSchema.parse(
    (
      await db.runAndReadAll(`SELECT (SELECT count(*) FROM snapshot_rows)::INTEGER AS rows,
          (SELECT count(*) FROM read_parquet(${sqlString(input.target)}))::INTEGER - (SELECT count(*) FROM (${stored}))::INTEGER AS added,
          (SELECT count(*) FROM read_parquet(${sqlString(input.target)}))::INTEGER AS contracts`)
    ).getRowObjectsJson()[0],
  );
}
