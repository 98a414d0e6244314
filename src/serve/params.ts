/**
 * What a URL may carry, as zod schemas: dates, months, years, dataset names, ranges and cursors.
 * Nothing read from a request reaches a storage key or a path without passing one of these. Each
 * schema is published in the OpenAPI document as it is enforced: a value its pattern, format and
 * length allow is taken, any other refused (400). The API answers a range whose `to` is before its
 * `from` as empty; the console's pages, which no document describes, refuse it (`rangeRefinement`).
 */
import { z } from 'zod';
import { DATASET_NAMES } from '../datasets/registry.js';
import { isPartitionDate, MIN_PARTITION_DATE } from '../workflow-safe/partition.js';
import type { PerimeterCursor } from './perimeter-listings.js';

/** The last day the console accepts: far enough for any real day, near enough to bound every range. */
export const MAX_DATE = '2099-12-31';
/** Days a page of the API holds at most, whatever its range spans. */
export const API_MAX_PAGE_DAYS = 1000;
/** Days the grid page may span: more than ten years. */
export const PAGE_MAX_RANGE_DAYS = 366 * 12;

/** Month-days of every month, February to the 28th: `MM-DD`. */
const MONTH_DAYS =
  '(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8])';
/** The leap years of 2012-2099: every fourth year from 2012 (2000 and 2100 are outside). */
const LEAP_YEARS = '20(?:1[26]|[2468][048]|[3579][26])';

/**
 * Exactly the days the console accepts, MIN_PARTITION_DATE to MAX_DATE, as one pattern: the
 * OpenAPI document publishes it, so that what a client may send and what the server takes agree.
 * Digits are `[0-9]`, never `\d`, which other regex dialects read as any Unicode digit.
 */
export const DATE_PATTERN = new RegExp(`^(?:20(?:1[2-9]|[2-9][0-9])-(?:${MONTH_DAYS})|${LEAP_YEARS}-02-29)$`);

function dateRefusal(input: unknown): string {
  const value = typeof input === 'string' ? input : '';
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) return 'must be a date written YYYY-MM-DD';
  if (!isPartitionDate(value)) return 'is not a calendar date';
  return `is out of range: days run from ${MIN_PARTITION_DATE} to ${MAX_DATE}`;
}

export const dateSchema = z
  .string()
  .regex(DATE_PATTERN, { error: (issue) => dateRefusal(issue.input) })
  .meta({
    format: 'date',
    description: `a Paris day, YYYY-MM-DD, ${MIN_PARTITION_DATE} to ${MAX_DATE}`,
    example: '2022-06-01',
  });

export const monthSchema = z
  .string()
  .regex(/^(201[2-9]|20[2-9][0-9])-(0[1-9]|1[0-2])$/, { message: 'must be a month written YYYY-MM (2012-2099)' })
  .meta({
    description: 'a calendar month, YYYY-MM, 2012-01 to 2099-12 (the days the console takes)',
    example: '2024-03',
  });

export const yearSchema = z.string().regex(/^20[1-9]\d$/, { message: 'must be a year written YYYY (2010-2099)' });

export const datasetSchema = z.enum(DATASET_NAMES, {
  message: `must be one of ${DATASET_NAMES.join(', ')}`,
});

const DATASET_NAME = `(?:${DATASET_NAMES.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
/** `a,b,c` of known dataset names, no space: the pattern the OpenAPI document publishes. */
export const DATASET_LIST_PATTERN = new RegExp(`^${DATASET_NAME}(?:,${DATASET_NAME})*$`);
export const DATASET_LIST_MAX_LENGTH = 400;

function datasetListRefusal(input: unknown): string {
  const names = typeof input === 'string' ? input.split(',') : [];
  const unknown = names.find((name) => !DATASET_NAMES.includes(name));
  return `${JSON.stringify(unknown ?? '').slice(0, 80)} is not a dataset: must be one of ${DATASET_NAMES.join(', ')}, comma-separated`;
}

/** `a,b,c`: dataset names, each known. */
export const datasetListSchema = z
  .string()
  .max(DATASET_LIST_MAX_LENGTH, { message: `is longer than ${DATASET_LIST_MAX_LENGTH} characters` })
  .regex(DATASET_LIST_PATTERN, { error: (issue) => datasetListRefusal(issue.input) })
  .transform((v) => v.split(','))
  .pipe(z.array(datasetSchema));

export function daysBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
}

/** A `from`/`to` range, `to` not before `from`, of at most `maxDays` days when given. */
export function rangeRefinement(maxDays?: number) {
  return (range: { from: string; to: string }, ctx: z.RefinementCtx) => {
    if (range.to < range.from)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `is before from (${range.from})` });
    else if (maxDays !== undefined && daysBetween(range.from, range.to) > maxDays)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the range spans ${daysBetween(range.from, range.to)} days; at most ${maxDays} per call`,
      });
  };
}

/** The cursor of a page of days: the day the page starts at, the `nextCursor` of the page before. */
export const dayCursorSchema = z
  .string()
  .regex(DATE_PATTERN, { error: (issue) => `${dateRefusal(issue.input)}: a cursor is the nextCursor of a page` })
  .meta({ format: 'date', description: 'the nextCursor of the previous page: the day this page starts at' });

/** The cursor of a page of rows: the offset of its first row, the `nextCursor` of the page before. */
export const rowCursorSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/, { message: 'must be the nextCursor of a page: the offset of its first row' })
  .transform(Number)
  .meta({ description: 'the nextCursor of the previous page: the offset of its first row' });

/**
 * A count per page, 1 to `max`, `fallback` when absent: decimal digits only, as the document's
 * `integer` is written in a URL (`0x10`, `1e1`, a sign or a space are refused, not read as numbers).
 */
export function pageLimitSchema(max: number, fallback: number, what: string) {
  return z
    .string()
    .refine((value) => /^[0-9]+$/.test(value), { message: 'must be a decimal integer' })
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .meta({ type: 'integer', minimum: 1, maximum: max, description: `${what} per page (${fallback} when absent)` })
    .default(fallback);
}

/**
 * The cursor of a page of the perimeter: its listing and the offset of its first row (`{listing}.{offset}`,
 * the `nextCursor` of the page before), or an offset alone (a new listing from there).
 */
export const perimeterCursorSchema = z
  .string()
  .regex(/^(?:[0-9a-f]{16}\.)?[1-9][0-9]{0,8}$/, {
    message: 'must be the nextCursor of a page: its listing and the offset of its first row',
  })
  .transform((cursor): PerimeterCursor => {
    const [listing, offset] = cursor.includes('.') ? cursor.split('.') : [null, cursor];
    return { listing: listing ?? null, offset: Number(offset) };
  })
  .meta({ description: 'the nextCursor of the previous page: its listing and the offset of its first row' });
