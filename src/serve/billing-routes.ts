/**
 * The billing API under /api/v1, read only: the périmètre of a day, computed from the stored C15
 * events as `courant perimeter` does, and a month's billing elements as the billing workflow (or
 * `courant billing`) last wrote them to `billing/month={YYYY-MM}/billing_elements.parquet`: a GET
 * never computes nor writes a month. Both answer the CLI's JSON (`{"date", "prms"}`,
 * `{"month", "contracts"}`) a page at a time, with the cursor of the next page.
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readBillingParquet } from '../billing/billing.js';
import {
  billingTotals,
  billingTotalsSchema,
  billingVersionSchema,
  currentVersion,
  getBillingRecord,
} from '../billing/billing-record.js';
import { recordedMonthFile } from '../billing/month-file.js';
import { getBillingPending, billingPendingSchema } from '../billing/month-pending.js';
import { contractMonthSchema } from '../billing/contract-month.js';
import { contractChangeSchema } from '../billing/month-changes.js';
import {
  changesBetween,
  UnknownVersionError,
  VersionNotStoredError,
  versionsCompared,
} from '../billing/version-changes.js';
import { openPerimeterScratch } from '../billing/perimeter.js';
import { withBillingScratch } from '../billing/stored-month.js';
import type { ConsoleContext } from './context.js';
import { dateSchema, monthSchema, pageLimitSchema, perimeterCursorSchema, rowCursorSchema } from './params.js';
import { filesSignature, PerimeterListings } from './perimeter-listings.js';
import { problem, problemResponses, ProblemError } from './problems.js';

const errors = problemResponses();

const prmSchema = z.string().regex(/^[0-9]{14}$/, { message: 'a PRM: 14 digits' });
const prmsParam = z
  .union([prmSchema, z.array(prmSchema).max(100)])
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .optional()
  .meta({ description: 'PRMs to answer (all when absent), up to 100: `prm=a&prm=b`' });
/** Rows per page: decimal digits only, as every list of the API takes it. */
const limitParam = pageLimitSchema(10_000, 1000, 'rows');

export function billingRoutes(ctx: ConsoleContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    const listings = new PerimeterListings({
      writeFailed: (error) =>
        app.log.error({ err: error }, 'a perimeter listing could not be written: its next page starts a new one'),
    });
    app.addHook('onClose', () => listings.close());
    app.get(
      '/api/v1/perimeter',
      {
        schema: {
          summary: 'The contracts in force on a day, from the stored Enedis C15 events (`courant perimeter`)',
          description:
            'A contract is in force from its entry day included to its exit day excluded (docs/billing.md). Empty when no C15 is stored. ' +
            'The pages of one listing (each `nextCursor` followed) come from one read of the stored days, whatever lands meanwhile, while the listing lives: 10 minutes after its last page (docs/console.md, "Paging the perimeter").',
          querystring: z
            .object({ date: dateSchema, prm: prmsParam, limit: limitParam, cursor: perimeterCursorSchema.optional() })
            .strict(),
          response: {
            200: z.object({
              date: z.string(),
              prms: z.array(
                z.object({
                  prm: z.string(),
                  contract: z.string(),
                  since: z.string(),
                  source: z.enum(['c15', 'snapshot']).meta({
                    description:
                      'where the contract starts from: a C15 entry, or the go-live snapshot (`courant perimeter import`)',
                  }),
                }),
              ),
              nextCursor: z.string().nullable(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { date, prm, limit, cursor } = request.query;
        const prms = prm ?? [];
        const page = await ctx.guard.objects(() =>
          listings.page(`${date} ${prms.join(',')}`, cursor ?? { listing: null, offset: 0 }, limit, async () => {
            const scratch = await openPerimeterScratch(ctx, date);
            try {
              const { eventFiles, snapshotFiles } = scratch.tables;
              return {
                inputs: await filesSignature([...eventFiles, ...snapshotFiles]),
                head: (count) => scratch.head(prms, count),
                write: (file) => scratch.write(prms, file),
                release: () => scratch.close(),
              };
            } catch (error) {
              await scratch.close();
              throw error;
            }
          }),
        );
        return { date, prms: page.rows, nextCursor: page.nextCursor };
      },
    );

    app.get(
      '/api/v1/billing',
      {
        schema: {
          summary: "A month's billing elements per contract, as last billed (`courant billing`)",
          description:
            'The month as the billing workflow `billing/{YYYY-MM}` (or `courant billing`) last wrote it; 404 until the month is billed. ' +
            "`totals` are the whole month's, whatever the page: each amount the sum of those computed, with the contracts it leaves out (`leftOut`).",
          querystring: z
            .object({ month: monthSchema, prm: prmsParam, limit: limitParam, cursor: rowCursorSchema.optional() })
            .strict(),
          response: {
            200: z.object({
              month: z.string(),
              totals: billingTotalsSchema,
              /** The version the page is read from: the record's, none when the month has no record. */
              version: z.number().int().nullable().meta({
                description: "the month's version the rows are (none: a Parquet whose record was never written)",
              }),
              pending: billingPendingSchema.nullable().meta({
                description:
                  "a billing of the month that fails and is tried again (or stopped at a fault a release mends): since when, how often, why, and the requests it keeps; null when none fails. The rows are then the month's last version, older than those requests",
              }),
              contracts: z.array(contractMonthSchema),
              nextCursor: z.string().nullable(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { month, prm, limit, cursor } = request.query;
        const offset = cursor ?? 0;
        const { record, pending } = await ctx.guard.records(async () => ({
          record: await getBillingRecord(ctx.records, month),
          pending: await getBillingPending(ctx.records, month),
        }));
        const read = await ctx.guard.objects(() =>
          withBillingScratch(async ({ dir, db }) => {
            const path = await recordedMonthFile(ctx.objects, dir, month, record);
            if (path === null) return null;
            return {
              totals: await billingTotals(db, path),
              contracts: await readBillingParquet(db, path, { prms: prm ?? [], offset, limit: limit + 1 }),
            };
          }),
        );
        if (read === null) throw new ProblemError(problem(404, 'billing-not-computed', `${month} is not billed yet`));
        const next = read.contracts.length > limit ? String(offset + limit) : null;
        return {
          month,
          totals: read.totals,
          version: record === null ? null : currentVersion(record).version,
          pending: pending === null ? null : { failing: pending.failing, triggers: pending.triggers },
          contracts: read.contracts.slice(0, limit),
          nextCursor: next,
        };
      },
    );
    app.get(
      '/api/v1/billing/changes',
      {
        schema: {
          summary: 'The contracts whose billing moved between two versions of a month (`courant billing --changes`)',
          description:
            "Each contract whose figures differ between version `since` (by default the one before the latest) and the month as it stands, with its figures before and after and each amount's delta in euros, exact to the cent: what a regularization is built from. " +
            'A contract only in the later version `appeared`, one only in the earlier `disappeared`. `causes` are the versions after `since`, each with why it was billed. A page of contracts at a time, in PRM order, with the cursor of the next page. 404 when the month is not billed or has no such version.',
          querystring: z
            .object({
              month: monthSchema,
              since: z
                .string()
                .regex(/^[1-9][0-9]{0,5}$/, { message: 'a version: a whole number from 1' })
                .transform(Number)
                .optional()
                .meta({ description: 'the earlier version (default: the one before the latest)' }),
              limit: limitParam,
              cursor: rowCursorSchema.optional(),
            })
            .strict(),
          response: {
            200: z.object({
              month: z.string(),
              from: billingVersionSchema,
              to: billingVersionSchema,
              causes: z.array(billingVersionSchema),
              contracts: z.array(contractChangeSchema),
              moved: z
                .number()
                .int()
                .meta({ description: 'contracts that moved in all, every page (0 on a page past the last)' }),
              nextCursor: z.string().nullable(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { month, since, limit, cursor } = request.query;
        const offset = cursor ?? 0;
        // The record answers a month not billed, or a version it does not have, without a DuckDB.
        const record = await ctx.guard.records(() => getBillingRecord(ctx.records, month));
        if (record === null) throw new ProblemError(problem(404, 'billing-not-computed', `${month} is not billed yet`));
        const compared = (() => {
          try {
            return versionsCompared(record, since);
          } catch (error) {
            if (error instanceof UnknownVersionError)
              throw new ProblemError(problem(404, 'unknown-version', error.message));
            throw error;
          }
        })();
        const changes = await ctx.guard
          .objects(() =>
            withBillingScratch((scratch) =>
              changesBetween(ctx.objects, scratch, compared, { offset, limit: limit + 1 }),
            ),
          )
          .catch((error: unknown) => {
            if (error instanceof VersionNotStoredError)
              throw new ProblemError(problem(404, 'version-not-stored', error.message));
            throw error;
          });
        const next = changes.contracts.length > limit ? String(offset + limit) : null;
        return { ...changes, contracts: changes.contracts.slice(0, limit), nextCursor: next };
      },
    );
    done();
  };
}
