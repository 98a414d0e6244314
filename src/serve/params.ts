/**
 * What a URL may carry, as zod schemas: dates, months, years, dataset names, ranges and cursors.
 * Nothing read from a request reaches a storage key or a path without passing one of these.
 */
import { z } from 'zod';
import { DATASET_NAMES } from '../datasets/registry.js';
import { isPartitionDate, MIN_PARTITION_DATE } from '../workflow-safe/partition.js';

/** The last day the console accepts: far enough for any real day, near enough to bound every range. */
export const MAX_DATE = '2099-12-31';
/** Days an API call may span. */
export const API_MAX_RANGE_DAYS = 1000;
/** Days the grid page may span: more than ten years. */
export const PAGE_MAX_RANGE_DAYS = 366 * 12;

export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date written YYYY-MM-DD' })
  .refine(isPartitionDate, { message: 'is not a calendar date' })
  .refine((d) => d >= MIN_PARTITION_DATE && d <= MAX_DATE, {
    message: `is out of range: days run from ${MIN_PARTITION_DATE} to ${MAX_DATE}`,
  })
  .meta({ description: 'a Paris day, YYYY-MM-DD', example: '2022-06-01' });

export const monthSchema = z
  .string()
  .regex(/^(20[1-9]\d)-(0[1-9]|1[0-2])$/, { message: 'must be a month written YYYY-MM (2010-2099)' });

export const yearSchema = z.string().regex(/^20[1-9]\d$/, { message: 'must be a year written YYYY (2010-2099)' });

export const datasetSchema = z.enum(DATASET_NAMES, {
  message: `must be one of ${DATASET_NAMES.join(', ')}`,
});

/** `a,b,c`: dataset names, each known. */
export const datasetListSchema = z
  .string()
  .max(400, { message: 'is too long' })
  .transform((v) => v.split(',').map((s) => s.trim()))
  .pipe(z.array(datasetSchema).min(1));

export function daysBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
}

/** A `from`/`to` range of at most `maxDays` days, `to` not before `from`. */
export function rangeRefinement(maxDays: number) {
  return (range: { from: string; to: string }, ctx: z.RefinementCtx) => {
    if (range.to < range.from)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `is before from (${range.from})` });
    else if (daysBetween(range.from, range.to) > maxDays)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the range spans ${daysBetween(range.from, range.to)} days; at most ${maxDays} per call`,
      });
  };
}

/** An opaque cursor: the base64url of the next item's position. */
export const cursorSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'is not a cursor this server gave' })
  .meta({ description: 'the nextCursor of the previous page' });

export function encodeCursor(position: string): string {
  return Buffer.from(position, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
