/**
 * The contract-month, defined once: each field's JSON name (as `courant billing --format json`, the
 * API and the console give it), its column and DuckDB type in the month's Parquet, how DuckDB's row
 * values read as it, and how SQL writes it as JSON text. From this one list come the Parquet's
 * columns (`MONTH_COLUMNS`, in the file's order), the zod schemas of a row and of the JSON shape
 * (the OpenAPI document's), and the JSON writer's SQL (`month-json.ts`).
 */
import { z } from 'zod';

/** How one value is held: its DuckDB type, DuckDB's JSON of it (a row), the JSON shape, and SQL writing it as JSON text. */
interface Kind<Row extends z.ZodType = z.ZodType, Api extends z.ZodType = z.ZodType> {
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
function jsonObject(depth: number, fields: ReadonlyArray<readonly [string, string]>): string {
  const parts = fields.map(([name, value], i) => `'${i === 0 ? '{' : ','}\n${pad(depth + 2)}"${name}": ' || ${value}`);
  return `${parts.join(' || ')} || '\n${pad(depth)}}'`;
}

const text = {
  type: 'VARCHAR',
  row: z.string(),
  api: z.string(),
  json: (v: string, where: string) => jsonString(required(v, where)),
} satisfies Kind;
const optionalText = {
  type: 'VARCHAR',
  row: z.string().nullable(),
  api: z.string().nullable(),
  json: (v: string) => jsonString(v),
} satisfies Kind;
const count = {
  type: 'INTEGER',
  row: z.number().int(),
  api: z.number().int(),
  json: (v: string, where: string) => required(`${v}::VARCHAR`, where),
} satisfies Kind;
const number = {
  type: 'DOUBLE',
  row: z
    .union([z.number(), z.string(), z.bigint()])
    .nullable()
    .transform((v) => (v === null ? null : Number(v))),
  api: z.number().nullable(),
  json: (v: string) => jsonNumber(v),
} satisfies Kind;
/** Euros with two decimals, exact in the Parquet (DECIMAL); DuckDB gives its text, read as a Number. */
const amount = {
  type: 'DECIMAL(18,2)',
  row: z
    .union([z.string(), z.number()])
    .nullable()
    .transform((v) => (v === null ? null : Number(v))),
  api: z.number().nullable(),
  json: (v: string) => jsonNumber(`(${v})::DOUBLE`),
} satisfies Kind;
function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
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
const texts = {
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
function listOf<const F extends StructFields>(fields: F): Kind<RowsOf<F>, ApisOf<F>> {
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

/** A column of the month's Parquet holding a field of the contract-month. */
interface Column<K extends Kind = Kind> {
  readonly column: string;
  readonly kind: K;
}
const column = <K extends Kind>(name: string, kind: K): Column<K> => ({ column: name, kind });

/** Several columns given as one JSON object (`energyKWh`). */
interface Group<G extends Readonly<Record<string, Column>> = Readonly<Record<string, Column>>> {
  readonly group: G;
}

const QUALITIES = ['real', 'estimated', 'missing'] as const;
const SOURCES = ['c15', 'snapshot'] as const;
const kwh = (name: string) => column(name, number);

/** The contract-month: its fields by JSON name, in the order of the JSON and of the Parquet's columns. */
export const CONTRACT_MONTH = {
  prm: column('prm', text),
  contract: column('contract', optionalText),
  /** Where the contract's start comes from: a C15 entry, or the go-live snapshot; null on a row of no contract. */
  source: column('source', oneOf(SOURCES)),
  fta: column('fta', optionalText),
  days: column('days', count),
  meanKva: column('mean_kva', number),
  periods: column(
    'periods',
    listOf({ from: text, to: text, days: count, fta: optionalText, kva: number, turpeFixedEur: amount }),
  ),
  energyKWh: {
    group: {
      base: kwh('base'),
      hp: kwh('hp'),
      hc: kwh('hc'),
      hph: kwh('hph'),
      hch: kwh('hch'),
      hpb: kwh('hpb'),
      hcb: kwh('hcb'),
    },
  },
  turpeFixedEur: column('turpe_fixed_eur', amount),
  turpeVariableEur: column('turpe_variable_eur', amount),
  ctaEur: column('cta_eur', amount),
  /** The amounts above that leave out a part not computed (a sub-period with no rate: the others' parts are given). */
  incomplete: column('incomplete', texts),
  quality: column('quality', oneOf(QUALITIES)),
  problems: column('problems', listOf({ code: text, message: text })),
  note: column('note', text),
} as const satisfies Readonly<Record<string, Column | Group>>;

type Shape = typeof CONTRACT_MONTH;
type ApiOf<F> =
  F extends Column<infer K>
    ? K['api']
    : F extends Group<infer G>
      ? z.ZodObject<{ [C in keyof G]: G[C]['kind']['api'] }>
      : never;

const fields = Object.entries(CONTRACT_MONTH) as Array<[string, Column | Group]>;
const columnsOf = (field: Column | Group): Column[] => ('group' in field ? Object.values(field.group) : [field]);

/** The columns of a month's Parquet and their DuckDB types, in the file's order: the month, then the fields'. */
export const MONTH_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['month', 'VARCHAR'],
  ...fields.flatMap(([, field]) => columnsOf(field)).map((c) => [c.column, c.kind.type] as const),
];

/** One contract's month as JSON (docs/billing.md): the CLI's, the API's and its OpenAPI document's shape. */
export const contractMonthSchema = z.object(
  Object.fromEntries(
    fields.map(([name, field]) => [
      name,
      'group' in field
        ? z.object(Object.fromEntries(Object.entries(field.group).map(([key, c]) => [key, c.kind.api])))
        : field.kind.api,
    ]),
  ),
) as z.ZodObject<{ [F in keyof Shape]: ApiOf<Shape[F]> }>;

export type ContractMonth = z.infer<typeof contractMonthSchema>;

/** A row of a month's Parquet as DuckDB gives it (`getRowObjectsJson`), read as the contract-month it holds. */
const monthRowSchema = z
  .object(Object.fromEntries(fields.flatMap(([, field]) => columnsOf(field)).map((c) => [c.column, c.kind.row])))
  .transform(
    (row) =>
      Object.fromEntries(
        fields.map(([name, field]) => [
          name,
          'group' in field
            ? Object.fromEntries(Object.entries(field.group).map(([key, c]) => [key, row[c.column]]))
            : row[field.column],
        ]),
      ) as ContractMonth,
  );

/** Rows of a month's Parquet (`getRowObjectsJson`) as contract-months. */
export function contractMonthsOf(rows: unknown): ContractMonth[] {
  return z.array(monthRowSchema).parse(rows);
}

/**
 * SQL giving, per row of a month's Parquet, the contract's JSON text as `JSON.stringify(contract,
 * null, 2)` writes it, four spaces in (an element of the document's `contracts`).
 */
export function contractJsonText(): string {
  return jsonObject(
    4,
    fields.map(([name, field]) => [
      name,
      'group' in field
        ? jsonObject(
            6,
            Object.entries(field.group).map(([key, c]) => [key, c.kind.json(c.column, c.column, 6)]),
          )
        : field.kind.json(field.column, field.column, 6),
    ]),
  );
}
