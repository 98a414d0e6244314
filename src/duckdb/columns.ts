/** Column declarations shared by the Parquet writer and reader. */

export type ParquetColumnType = 'TIMESTAMPTZ' | 'VARCHAR' | 'DOUBLE' | 'BIGINT';

export interface ParquetColumn {
  readonly name: string;
  readonly type: ParquetColumnType;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Column names go into SQL: only plain lower-case identifiers are accepted. */
export function checkedColumns(columns: readonly ParquetColumn[]): readonly ParquetColumn[] {
  for (const c of columns) if (!IDENTIFIER.test(c.name)) throw new RangeError(`invalid column name "${c.name}"`);
  return columns;
}

/** A string literal for DuckDB SQL (paths), with quotes doubled. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A quoted identifier for DuckDB SQL (a column a query names), with quotes doubled. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
