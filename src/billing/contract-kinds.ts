/**
 * How each value of the contract-month is held (contract-month.ts lists the fields): its DuckDB type
 * in the month's Parquet, how DuckDB's row values read as it, its JSON shape, and the SQL writing it
 * as JSON text as `JSON.stringify` writes it, byte for byte.
 */
import { z } from 'zod';

/** How one value is held: its DuckDB type, DuckDB's JSON of it (a row), the JSON shape, and SQL writing it as JSON text. */
export interface Kind<Row extends z.ZodType = z.ZodType, Api extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly row: Row;
  readonly api: Api;
  /** SQL giving the JSON text of the value `sql`; `where` names it in the error of a null it cannot hold. */
  json(sql: string, where: string, depth: number): string;
}

const NAMED_ESCAPES: Readonly<Record<number, string>> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
const sqlText = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * `value` (VARCHAR) as a JSON string, or `null`. DuckDB's `to_json` escapes as `JSON.stringify` does
 * but writes `\u00XX` in upper case: a text where it wrote a `\u00` is escaped again character by
 * character (backslash and quote first, so that no escape is escaped twice).
 */
function jsonString(value: string): string {
  const controls = Array.from({ length: 32 }, (_, code) => code).reduce(
    (text, code) =>
      `replace(${text}, chr(${code}), ${sqlText(NAMED_ESCAPES[code] ?? `\\u${code.toString(16).padStart(4, '0')}`)})`,
    `replace(replace(${value}, '\\', '\\\\'), '"', '\\"')`,
  );
  return `CASE WHEN ${value} IS NULL THEN 'null'
    WHEN contains(to_json(${value})::VARCHAR, '\\u00') THEN '"' || ${controls} || '"'
    ELSE to_json(${value})::VARCHAR END`;
}

/** `value` (DOUBLE) as JavaScript prints the number, or `null`. */
const jsonNumber = (value: string) =>
  `CASE WHEN ${value} IS NULL THEN 'null'
    WHEN ${value} = trunc(${value}) AND abs(${value}) < 9007199254740992 THEN (${value})::BIGINT::VARCHAR
    ELSE (${value})::VARCHAR END`;

/** `value`, which the JSON shape cannot hold as null: a null stops the query, naming the PRM and the field. */
const required = (value: string, where: string) =>
  `CASE WHEN ${value} IS NULL THEN error('billing elements of PRM ' || coalesce(prm, 'none') || ': ${where} is null') ELSE ${value} END`;

const pad = (depth: number) => ' '.repeat(depth);

/** An object at `depth` spaces: its fields (JSON name, SQL of the value's text) one a line, two spaces further in. */
export function jsonObject(depth: number, fields: ReadonlyArray<readonly [string, string]>): string {
  const parts = fields.map(([name, value], i) => `'${i === 0 ? '{' : ','}\n${pad(depth + 2)}"${name}": ' || ${value}`);
  return `${parts.join(' || ')} || '\n${pad(depth)}}'`;
}

export const text = {
  type: 'VARCHAR',
  row: z.string(),
  api: z.string(),
  json: (v: string, where: string) => jsonString(required(v, where)),
} satisfies Kind;
export const optionalText = {
  type: 'VARCHAR',
  row: z.string().nullable(),
  api: z.string().nullable(),
  json: (v: string) => jsonString(v),
} satisfies Kind;
export const count = {
  type: 'INTEGER',
  row: z.number().int(),
  api: z.number().int(),
  json: (v: string, where: string) => required(`${v}::VARCHAR`, where),
} satisfies Kind;
export const number = {
  type: 'DOUBLE',
  row: z
    .union([z.number(), z.string(), z.bigint()])
    .nullable()
    .transform((v) => (v === null ? null : Number(v))),
  api: z.number().nullable(),
  json: (v: string) => jsonNumber(v),
} satisfies Kind;
/** Euros with two decimals, exact in the Parquet (DECIMAL); DuckDB gives its text, read as a Number. */
export const amount = {
  type: 'DECIMAL(18,2)',
  row: z
    .union([z.string(), z.number()])
    .nullable()
    .transform((v) => (v === null ? null : Number(v))),
  api: z.number().nullable(),
  json: (v: string) => jsonNumber(`(${v})::DOUBLE`),
} satisfies Kind;
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const listed = `(${values.map(sqlText).join(', ')})`;
  return {
    type: 'VARCHAR',
    row: z.enum(values).nullable(),
    api: z.enum(values).nullable(),
    json: (v: string, where: string) => `CASE WHEN ${v} IS NULL OR ${v} IN ${listed} THEN ${jsonString(v)}
      ELSE error('billing elements of PRM ' || prm || ': ${where} ' || ${v} || ' is not one of ${values.join(', ')}') END`,
  } satisfies Kind;
}

/** A list of texts, never null. */
export const texts = {
  type: 'VARCHAR[]',
  row: z.array(z.string()),
  api: z.array(z.string()),
  json: (v: string, where: string, depth: number) => {
    const list = required(v, where);
    return `CASE WHEN len(${list}) = 0 THEN '[]' ELSE '[\n${pad(depth + 2)}' ||
      array_to_string(list_transform(${list}, x -> ${jsonString('x')}), ',\n${pad(depth + 2)}') || '\n${pad(depth)}]' END`;
  },
} satisfies Kind;

/** The fields of a struct: each name (the same in the Parquet and in JSON) and its kind. */
type StructFields = Readonly<Record<string, Kind>>;

type RowsOf<F extends StructFields> = z.ZodArray<z.ZodObject<{ [K in keyof F]: F[K]['row'] }>>;
type ApisOf<F extends StructFields> = z.ZodArray<z.ZodObject<{ [K in keyof F]: F[K]['api'] }>>;

/** A list of structs, never null. */
export function listOf<const F extends StructFields>(fields: F): Kind<RowsOf<F>, ApisOf<F>> {
  const entries = Object.entries(fields);
  const quoted = (name: string) => `"${name}"`;
  return {
    type: `STRUCT(${entries.map(([name, kind]) => `${quoted(name)} ${kind.type}`).join(', ')})[]`,
    row: z.array(z.object(Object.fromEntries(entries.map(([name, kind]) => [name, kind.row])))) as RowsOf<F>,
    api: z.array(z.object(Object.fromEntries(entries.map(([name, kind]) => [name, kind.api])))) as ApisOf<F>,
    json: (v, where, depth) => {
      const element = jsonObject(
        depth + 2,
        entries.map(([name, kind]) => [name, kind.json(`x.${quoted(name)}`, `${where}.${name}`, depth + 2)]),
      );
      const list = required(v, where);
      return `CASE WHEN len(${list}) = 0 THEN '[]' ELSE '[\n${pad(depth + 2)}' ||
        array_to_string(list_transform(${list}, x -> ${element}), ',\n${pad(depth + 2)}') || '\n${pad(depth)}]' END`;
    },
  };
}
