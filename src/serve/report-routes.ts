/**
 * The stored HTML reports, served as they are stored (the same bytes as the files under DATA_DIR or
 * the objects in S3), at the paths of their keys so that their relative links work: the index,
 * `dt={date}/daily_report.html`, `month={YYYY-MM}/monthly_report.html`, `year={YYYY}/annual_report.html`.
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { reportKeys, storageKeys } from '../workflow-safe/keys.js';
import { ObjectNotFoundError } from '../storage/object-store.js';
import type { ConsoleContext } from './context.js';
import { dateSchema, monthSchema, yearSchema } from './params.js';
import { problem, ProblemError } from './problems.js';

export function reportRoutes(ctx: ConsoleContext): FastifyPluginCallbackZod {
  const send = async (key: string, what: string) => {
    try {
      return Buffer.from(await ctx.guard.objects(() => ctx.objects.get(key)));
    } catch (error) {
      if (error instanceof ObjectNotFoundError)
        throw new ProblemError(problem(404, 'report-not-found', `no ${what} is stored`), { cause: error });
      throw error;
    }
  };
  return (app, _options, done) => {
    app.get('/reports/index.html', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(await send(reportKeys.index(), 'report index')),
    );
    app.get(
      '/reports/dt=:date/daily_report.html',
      { schema: { params: z.object({ date: dateSchema }), hide: true } },
      async (request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .send(await send(storageKeys.dailyReport(request.params.date, 'html'), `report of ${request.params.date}`)),
    );
    app.get(
      '/reports/month=:month/monthly_report.html',
      { schema: { params: z.object({ month: monthSchema }), hide: true } },
      async (request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .send(await send(reportKeys.monthly(request.params.month, 'html'), `report of ${request.params.month}`)),
    );
    app.get(
      '/reports/year=:year/annual_report.html',
      { schema: { params: z.object({ year: yearSchema }), hide: true } },
      async (request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .send(await send(reportKeys.annual(request.params.year, 'html'), `report of ${request.params.year}`)),
    );
    done();
  };
}
