/**
 * The contract-month, defined once: each field's JSON name (as `courant billing --format json`, the
 * API and the console give it), its column in the month's Parquet and the kind of value it holds
 * (contract-kinds.ts: its DuckDB type, how DuckDB's row values read as it, how SQL writes it as JSON
 * text). From this one list come the Parquet's columns (`MONTH_COLUMNS`, in the file's order), the
 * zod schemas of a row and of the JSON shape (the OpenAPI document's), and the JSON writer's SQL
 * (`month-json.ts`).
 */
import { z } from 'zod';
import {
  amount,
  count,
  jsonObject,
  listOf,
  number,
  oneOf,
  optionalText,
  text,
  texts,
  type Kind,
} from './contract-kinds.js';

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
