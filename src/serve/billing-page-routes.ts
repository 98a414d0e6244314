/**
 * The billing pages (`billing-page.ts`): `/billing/{YYYY-MM}` from the month's stored Parquet and
 * record (404 page until it is billed), `/contracts/{prm}/{contract}` from the stored C15 events
 * and every billed month. Read only.
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readBillingParquet, readContractMonths } from '../billing/billing.js';
import { billingTotals, getBillingRecord } from '../billing/billing-record.js';
import { recordedMonthFile } from '../billing/month-file.js';
import { getBillingPending } from '../billing/month-pending.js';
import { billedMonths, contractEvents, withBillingScratch } from '../billing/stored-month.js';
import { changesBetween, VersionNotStoredError, versionsCompared } from '../billing/version-changes.js';
import { readableFile } from '../storage/readable-file.js';
import { billingKeys } from '../workflow-safe/keys.js';
import { billingMonthPage, contractPage, notBilledPage } from './billing-page.js';
import type { ConsoleContext } from './context.js';
import { monthSchema } from './params.js';

/** Contracts with problems a month page lists; the API has them all. */
const SHOWN_PROBLEMS = 500;

/** Contracts that moved a month page lists; the API and `courant billing --changes` have them all. */
const SHOWN_CHANGES = 200;

const contractParams = z.object({
  prm: z.string().regex(/^[0-9]{14}$/, { message: 'a PRM: 14 digits' }),
  contract: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { message: 'a contract reference: letters, digits, . _ -' }),
});

export function billingPageRoutes(ctx: ConsoleContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.get(
      '/billing/:month',
      { schema: { params: z.object({ month: monthSchema }), hide: true } },
      async (request, reply) => {
        const { month } = request.params;
        const { record, pending } = await ctx.guard.records(async () => ({
          record: await getBillingRecord(ctx.records, month),
          pending: await getBillingPending(ctx.records, month),
        }));
        const shown = await ctx.guard.objects(() =>
          withBillingScratch(async ({ dir, db }) => {
            const file = await recordedMonthFile(ctx.objects, dir, month, record);
            if (file === null) return null;
            const withProblems = await readBillingParquet(db, file, {
              prms: [],
              withProblems: true,
              offset: 0,
              limit: SHOWN_PROBLEMS,
            });
            // What moved in the last version (none until the month moved once); read from the stored versions.
            const changes =
              record === null
                ? null
                : await changesBetween(ctx.objects, { dir, db }, versionsCompared(record), {
                    offset: 0,
                    limit: SHOWN_CHANGES,
                  }).catch((error: unknown) => {
                    if (error instanceof VersionNotStoredError) return error;
                    throw error;
                  });
            return { totals: await billingTotals(db, file), withProblems, changes };
          }),
        );
        const html =
          shown === null
            ? notBilledPage(month)
            : billingMonthPage({ month, record, pending, ...shown, shownProblems: SHOWN_PROBLEMS });
        return reply
          .code(shown === null ? 404 : 200)
          .type('text/html; charset=utf-8')
          .send(html);
      },
    );

    app.get('/contracts/:prm/:contract', { schema: { params: contractParams, hide: true } }, async (request, reply) => {
      const wanted = request.params;
      const history = await ctx.guard.objects(() =>
        withBillingScratch(async ({ dir, db }) => {
          const events = await contractEvents(ctx, dir, db, wanted);
          const files: string[] = [];
          for (const month of await billedMonths(ctx.objects))
            files.push((await readableFile(ctx.objects, billingKeys.month(month), dir, `${month}.parquet`)).path);
          return { events, months: await readContractMonths(db, files, wanted) };
        }),
      );
      return reply.type('text/html; charset=utf-8').send(contractPage({ ...wanted, ...history }));
    });
    done();
  };
}
