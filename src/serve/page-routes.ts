/** The server-rendered pages: `/` (the grid) and `/days/{date}` (each dataset's record of the day). */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { storageKeys } from '../workflow-safe/keys.js';
import { parisDateOf, previousDate } from '../workflow-safe/partition.js';
import type { ConsoleContext } from './context.js';
import { cellKey } from '../day-status/cells.js';
import { dayGrid } from '../day-status/grid.js';
import { dayPage } from './day-page.js';
import { remoteFilesOf } from './remote-files.js';
import { gridPage } from './grid-page.js';
import { dateSchema, datasetListSchema, PAGE_MAX_RANGE_DAYS, rangeRefinement } from './params.js';

/** Days the grid shows when no range is asked for: the last 90 due days. */
const DEFAULT_DAYS = 90;

const gridQuery = z
  .object({ from: dateSchema.optional(), to: dateSchema.optional(), datasets: datasetListSchema.optional() })
  .strict();

function defaultRange(now: Date, from?: string, to?: string): { from: string; to: string } {
  const end = to ?? previousDate(parisDateOf(now));
  if (from) return { from, to: end };
  let start = end;
  for (let i = 1; i < DEFAULT_DAYS; i += 1) start = previousDate(start);
  return { from: start, to: end };
}

export function pageRoutes(ctx: ConsoleContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.get('/', { schema: { querystring: gridQuery, hide: true } }, async (request, reply) => {
      const range = defaultRange(ctx.now(), request.query.from, request.query.to);
      const check = z.object({ from: z.string(), to: z.string() }).superRefine(rangeRefinement(PAGE_MAX_RANGE_DAYS));
      check.parse(range);
      const grid = await ctx.guard.records(() =>
        dayGrid(ctx.records, ctx.catalog, { ...range, datasets: request.query.datasets }, ctx.now()),
      );
      return reply.type('text/html; charset=utf-8').send(gridPage(grid, range));
    });

    app.get(
      '/days/:date',
      { schema: { params: z.object({ date: dateSchema }), hide: true } },
      async (request, reply) => {
        const { date } = request.params;
        const grid = await ctx.guard.records(() =>
          dayGrid(ctx.records, ctx.catalog, { from: date, to: date }, ctx.now()),
        );
        const shown = ctx.catalog.shown(date, grid.datasets);
        const datasets = await ctx.guard.records(() =>
          Promise.all(
            shown.map(async (dataset) => {
              const run = await ctx.records.getDayRun(dataset, date);
              return {
                cell: grid.cells.get(cellKey(dataset, date)) ?? { dataset, date, status: 'missing' as const },
                run,
                remoteFiles: await remoteFilesOf(ctx.records, ctx.catalog, run),
              };
            }),
          ),
        );
        const hasReport =
          (await ctx.guard.objects(() => ctx.objects.head(storageKeys.dailyReport(date, 'html')))) !== null;
        const ui = ctx.config.serve.temporalUiUrl;
        return reply.type('text/html; charset=utf-8').send(
          dayPage({
            date,
            datasets,
            temporalUi: ui ? { url: ui, namespace: ctx.config.temporal.namespace } : null,
            hasReport,
          }),
        );
      },
    );
    done();
  };
}
