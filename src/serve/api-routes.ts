/**
 * The read API under /api/v1: day statuses over a range, a day's records, metrics and quality
 * results, and Enedis energies over a period. Any range the document allows is answered, in pages
 * of at most `limit` days or rows whatever it spans, each with the cursor of the next. Records and metrics are answered as the
 * record store returns them, field for field.
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { periodEnergyRows } from './period-energies.js';
import { modulesWith } from '../datasets/modules.js';
import { DATASET_MODULES } from '../datasets/registry.js';
import { datesInRange } from '../workflow-safe/partition.js';
import { checkResultSchema, dayRunSchema, metricsRecordSchema } from '../storage/record-schemas.js';
import type { ConsoleContext } from './context.js';
import { DAY_STATUSES } from '../day-status/status.js';
import { datasetsOfRange, dayGrid } from '../day-status/grid.js';
import {
  API_MAX_PAGE_DAYS,
  dateSchema,
  datasetListSchema,
  datasetSchema,
  dayCursorSchema,
  pageLimitSchema,
  rowCursorSchema,
} from './params.js';
import { problem, problemResponses, ProblemError } from './problems.js';

const ENERGY_DATASETS = modulesWith(DATASET_MODULES, 'energies').map((m) => m.dataset.name);
/** The energies served when a request names no dataset: the first registered dataset that has them. */
const [DEFAULT_ENERGY_DATASET] = ENERGY_DATASETS;
if (DEFAULT_ENERGY_DATASET === undefined) throw new Error('no registered dataset has the energies capability');
const meterSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, { message: 'a meter id: letters, digits, . _ - (at most 64)' });

const errors = problemResponses();

const RANGE = 'any span is answered, page by page; a `to` before `from` is an empty range (no items)';

const daysQuery = z
  .object({
    from: dateSchema,
    to: dateSchema.meta({ format: 'date', description: `the last day of the range: ${RANGE}` }),
    datasets: datasetListSchema.optional(),
    limit: pageLimitSchema(API_MAX_PAGE_DAYS, 100, 'days'),
    cursor: dayCursorSchema.optional(),
  })
  .strict();

const dayCellSchema = z.object({ dataset: z.string(), date: z.string(), status: z.enum(DAY_STATUSES) });

const energiesQuery = z
  .object({
    dataset: z.enum(ENERGY_DATASETS as [string, ...string[]]).default(DEFAULT_ENERGY_DATASET),
    from: dateSchema,
    to: dateSchema.meta({ format: 'date', description: `the last day of the period: ${RANGE}` }),
    prm: z
      .union([meterSchema, z.array(meterSchema).max(100)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .optional()
      .meta({ description: 'meters to answer (all when absent), up to 100: `prm=a&prm=b`' }),
    limit: pageLimitSchema(10_000, 1000, 'rows'),
    cursor: rowCursorSchema.optional(),
  })
  .strict();

const dateParams = z.object({ date: dateSchema });

/**
 * A stored value as the response schema types it: records are typed read-only where the schema's
 * arrays are mutable. The serializer checks the value against the schema before it is sent.
 */
function asResponse<S extends z.ZodType>(_schema: S, value: unknown): z.output<S> {
  return value as z.output<S>;
}

export function apiRoutes(ctx: ConsoleContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.get(
      '/api/v1/days',
      {
        schema: {
          summary: 'The status of each dataset on each day of a range',
          description: `Every (dataset, day) of the page, never absent: ${DAY_STATUSES.join(', ')}. At most \`limit\` days (${API_MAX_PAGE_DAYS} at most) per page, whatever the range spans.`,
          querystring: daysQuery,
          response: {
            200: z.object({
              from: z.string(),
              to: z.string(),
              datasets: z.array(z.string()),
              items: z.array(dayCellSchema),
              nextCursor: z.string().nullable(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { from, to, datasets, limit, cursor } = request.query;
        if (to < from) return { from, to, datasets: datasets ?? [], items: [], nextCursor: null };
        // A cursor before the range starts it at `from`; one past its end gives an empty last page.
        const start = cursor !== undefined && cursor > from ? cursor : from;
        // The datasets of the whole range, so that every page has the same columns.
        const shown =
          datasets ?? (await ctx.guard.records(() => datasetsOfRange(ctx.records, ctx.catalog, { from, to })));
        if (start > to) return { from, to, datasets: [...shown], items: [], nextCursor: null };
        const dates = datesInRange(start, to).slice(0, limit);
        const last = dates[dates.length - 1] ?? start;
        const grid = await ctx.guard.records(() =>
          dayGrid(ctx.records, ctx.catalog, { from: start, to: last, datasets: shown }, ctx.now()),
        );
        const items = grid.dates.flatMap((date) =>
          grid.datasets.flatMap((dataset) => {
            const cell = grid.cells.get(`${dataset}/${date}`);
            return cell ? [cell] : [];
          }),
        );
        const next = last < to ? datesInRange(last, to)[1] : undefined;
        return { from, to, datasets: [...grid.datasets], items, nextCursor: next ?? null };
      },
    );

    app.get(
      '/api/v1/days/:date',
      {
        schema: {
          summary: "The day's records, one per dataset that has one",
          params: dateParams,
          response: { 200: z.object({ date: z.string(), records: z.array(dayRunSchema) }), ...errors },
        },
      },
      async (request) => {
        const { date } = request.params;
        const records = await ctx.guard.records(() => ctx.records.listDayRuns({ from: date, to: date }));
        return { date, records: asResponse(z.array(dayRunSchema), records) };
      },
    );

    app.get(
      '/api/v1/days/:date/metrics',
      {
        schema: {
          summary: "The day's metrics documents, one per dataset that has one",
          params: dateParams,
          response: { 200: z.object({ date: z.string(), metrics: z.array(metricsRecordSchema) }), ...errors },
        },
      },
      async (request) => {
        const { date } = request.params;
        const found = await ctx.guard.records(() =>
          Promise.all(ctx.catalog.names.map((name) => ctx.records.getMetrics(name, date))),
        );
        return { date, metrics: found.flatMap((m) => (m ? [m] : [])) };
      },
    );

    app.get(
      '/api/v1/days/:date/metrics/:dataset',
      {
        schema: {
          summary: "A dataset's metrics document of the day",
          params: z.object({ date: dateSchema, dataset: datasetSchema }),
          response: { 200: metricsRecordSchema, ...errors },
        },
      },
      async (request) => {
        const { date, dataset } = request.params;
        const found = await ctx.guard.records(() => ctx.records.getMetrics(dataset, date));
        if (!found) throw new ProblemError(problem(404, 'metrics-not-found', `no metrics of ${dataset} on ${date}`));
        return found;
      },
    );

    app.get(
      '/api/v1/days/:date/quality',
      {
        schema: {
          summary: "The quality checks of the day's last run, per dataset",
          params: dateParams,
          response: {
            200: z.object({
              date: z.string(),
              datasets: z.array(
                z.object({ dataset: z.string(), status: z.string(), checks: z.array(checkResultSchema) }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { date } = request.params;
        const runs = await ctx.guard.records(() => ctx.records.listDayRuns({ from: date, to: date }));
        return {
          date,
          datasets: runs.map((run) => ({
            dataset: run.dataset,
            status: run.status,
            checks: asResponse(z.array(checkResultSchema), run.checks ?? []),
          })),
        };
      },
    );

    app.get(
      '/api/v1/energies',
      {
        schema: {
          summary: 'Energy per meter and period from the stored index readings (the rows of `courant energies`)',
          querystring: energiesQuery,
          response: {
            200: z.object({
              dataset: z.string(),
              from: z.string(),
              to: z.string(),
              rows: z.array(z.record(z.string(), z.unknown())),
              nextCursor: z.string().nullable(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { dataset, from, to, prm, limit, cursor } = request.query;
        const offset = cursor ?? 0;
        const energies = ctx.catalog.capability('energies', dataset);
        if (!energies) throw new ProblemError(problem(404, 'unknown-dataset', `${dataset} has no energies`));
        if (to < from) return { dataset, from, to, rows: [], nextCursor: null };
        const rows = await ctx.guard.objects(() =>
          periodEnergyRows(ctx.objects, dataset, energies, { from, to, meters: prm ?? [] }),
        );
        if (rows === null)
          throw new ProblemError(problem(404, 'no-data', `no day of ${dataset} is stored in ${from}..${to}`));
        const page = rows.slice(offset, offset + limit);
        const next = offset + limit < rows.length ? String(offset + limit) : null;
        return { dataset, from, to, rows: page, nextCursor: next };
      },
    );
    done();
  };
}
