/**
 * The console's HTTP server: read-only pages and API over the configured storage, safe to expose.
 * In order, each request meets: the security headers, the rate limit of its client (a valid token,
 * else its address), a Host header, a bound on its URL's length, the refusal of credentials in the URL, the bearer
 * token when tokens are required, then a route whose parameters pass their zod schema (404 for a
 * path no route answers, 405 with `Allow` for a method it does not). Every refusal, whatever layer
 * makes it (router, URL decoding, HTTP parser, rate limit), is an `application/problem+json` problem
 * with a one-line reason and the security headers; nothing answers with a stack trace.
 */
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import packageJson from '../../package.json' with { type: 'json' };
import type { Config } from '../config/index.js';
import { DEFAULT_SERVE_RATE_LIMIT } from '../config/load.js';
import type { DatasetCatalog } from '../datasets/modules.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { RecordStore } from '../storage/records.js';
import { apiRoutes } from './api-routes.js';
import { billingPageRoutes } from './billing-page-routes.js';
import { billingRoutes } from './billing-routes.js';
import { credentialsInQuery, tokenCheck } from './auth.js';
import { clientErrorAnswer, ROUTE_METHODS, routedPaths } from './early-refusals.js';
import { pageRoutes } from './page-routes.js';
import { problem, PROBLEM_CONTENT_TYPE, problemResponses, ProblemError, type Problem } from './problems.js';
import { reportRoutes } from './report-routes.js';
import { HELMET_OPTIONS, securityHeaders } from './security-headers.js';
import { storageGuard, type StoreNames } from './storage-guard.js';

/** Longer URLs are refused (414) before anything reads them. */
export const MAX_URL_LENGTH = 2048;

export interface RateLimitSettings {
  /** Requests a client may make per window. */
  readonly max: number;
  readonly windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitSettings = { max: DEFAULT_SERVE_RATE_LIMIT, windowMs: 60_000 };

export interface ConsoleServerOptions {
  readonly records: RecordStore;
  readonly objects: ObjectStore;
  readonly stores: StoreNames;
  readonly config: Config;
  /** The dataset catalog, built once by the caller. */
  readonly catalog: DatasetCatalog;
  readonly logger: Logger;
  /** Tokens a request must carry; null: no token asked (loopback, or `--insecure-no-auth`). */
  readonly tokens: readonly string[] | null;
  readonly rateLimit?: RateLimitSettings;
  readonly now?: () => Date;
}

function sendProblem(reply: FastifyReply, value: Problem): FastifyReply {
  return reply.code(value.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(value));
}

/** The problem an error answers with; anything unexpected is a 500 whose cause goes to the log only. */
function problemOf(error: unknown): Problem | null {
  if (error instanceof ProblemError) return error.problem;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    const where = `${error.validationContext ?? 'request'}${first?.instancePath ?? ''}`;
    return problem(400, 'invalid-parameter', `${where}: ${first?.message ?? 'is invalid'}`);
  }
  if (error instanceof z.ZodError) {
    const first = error.issues[0];
    return problem(
      400,
      'invalid-parameter',
      `querystring/${first?.path.join('/') ?? ''}: ${first?.message ?? 'is invalid'}`,
    );
  }
  if (typeof error === 'object' && error !== null && 'statusCode' in error) {
    const status = Number(error.statusCode);
    const message = 'message' in error && typeof error.message === 'string' ? error.message : 'refused';
    if (status === 429) return problem(429, 'rate-limited', message);
    if (status >= 400 && status < 500) return problem(status, 'bad-request', message);
  }
  return null;
}

export async function buildConsoleServer(options: ConsoleServerOptions): Promise<FastifyInstance> {
  const { logger } = options;
  const now = options.now ?? (() => new Date());
  const tokens = tokenCheck(options.tokens ?? []);
  const limits = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  const routed = routedPaths();
  const app = Fastify({
    logger: false,
    // Past Node's 16 KiB request line: a long parameter is refused by its schema, or its URL by the bound (414).
    routerOptions: { maxParamLength: 65_536 },
    bodyLimit: 1024,
    // Node's own refusal of a request without Host is a bare 400; the hook below answers it as a problem.
    http: { requireHostHeader: false },
    return503OnClosing: true,
    clientErrorHandler: clientErrorAnswer(logger, MAX_URL_LENGTH),
    // A path that cannot be decoded (e.g. overlong UTF-8) is refused before any hook runs.
    frameworkErrors: (error, request, reply) => {
      logger.info({ code: error.code, method: request.method }, 'console request refused by the router');
      void sendProblem(
        reply.headers(securityHeaders()),
        problem(400, 'bad-url', 'the URL path is not valid percent-encoded UTF-8'),
      );
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error, request, reply) => {
    const known = problemOf(error);
    if (known) {
      if (known.status >= 500) logger.warn({ err: error, path: request.routeOptions.url }, known.detail);
      return sendProblem(reply, known);
    }
    logger.error({ err: error, path: request.routeOptions.url }, 'console request failed');
    return sendProblem(reply, problem(500, 'internal', 'the request failed on the server; its log has the cause'));
  });
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.includes('GET')) routed.add(route.url);
  });

  await app.register(helmet, HELMET_OPTIONS);
  await app.register(rateLimit, {
    global: false,
    max: limits.max,
    timeWindow: limits.windowMs,
    keyGenerator: (request: FastifyRequest) => {
      const token = tokens.match(request.headers.authorization);
      return token === null ? `address:${request.ip}` : `token:${token}`;
    },
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `more than ${context.max} requests in ${context.after}: slow down`,
    }),
  });
  app.addHook('onRequest', app.rateLimit());
  app.addHook('onRequest', async (request, reply) => {
    if (!request.headers.host)
      return sendProblem(reply, problem(400, 'missing-host', 'the request has no Host header, or an empty one'));
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.length > MAX_URL_LENGTH)
      return sendProblem(reply, problem(414, 'uri-too-long', `the URL is longer than ${MAX_URL_LENGTH} characters`));
  });
  app.addHook('onRequest', async (request, reply) => {
    const inUrl = credentialsInQuery(request.url);
    if (inUrl.length > 0)
      return sendProblem(
        reply,
        problem(
          400,
          'credential-in-url',
          `"${inUrl.join('", "')}" in the URL: send the token as an Authorization: Bearer header`,
        ),
      );
  });
  // The token is checked after the rate limit, so that a flood of bad tokens is limited too.
  app.addHook('onRequest', async (request, reply) => {
    if (options.tokens === null || tokens.match(request.headers.authorization) !== null) return;
    const detail = request.headers.authorization
      ? 'the bearer token is not one this server accepts'
      : 'an Authorization: Bearer token is required';
    reply.header('WWW-Authenticate', 'Bearer realm="courant"');
    return sendProblem(reply, problem(401, 'unauthorized', detail));
  });
  // A request no route answers is answered here, before Fastify looks at a body (a QUERY without
  // Content-Type would be its 400) and before its not-found handler, which is never reached.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0] ?? '';
    if ((ROUTE_METHODS as readonly string[]).includes(request.method) || !routed.has(path))
      return sendProblem(reply, problem(404, 'not-found', `no page or API at ${request.method} ${path.slice(0, 200)}`));
    reply.header('Allow', ROUTE_METHODS.join(', '));
    return sendProblem(
      reply,
      problem(405, 'method-not-allowed', `${request.method} is not answered here: ${ROUTE_METHODS.join(', ')}`),
    );
  });
  app.addHook('onResponse', (request, reply, done) => {
    logger.info(
      {
        method: request.method,
        path: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'console request',
    );
    done();
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'courant read API',
        version: packageJson.version,
        description:
          "Day statuses, records, metrics, quality results, energies, the périmètre and a month's billing elements, read-only.",
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: options.tokens === null ? [] : [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  const ctx = {
    records: options.records,
    objects: options.objects,
    guard: storageGuard(options.stores),
    config: options.config,
    catalog: options.catalog,
    now,
  };
  const typed = app.withTypeProvider<ZodTypeProvider>();
  await typed.register(pageRoutes(ctx));
  await typed.register(reportRoutes(ctx));
  await typed.register(apiRoutes(ctx));
  await typed.register(billingRoutes(ctx));
  await typed.register(billingPageRoutes(ctx));
  typed.get(
    '/api/v1/health',
    {
      schema: {
        summary: 'Answers while the server runs',
        response: { 200: z.object({ status: z.literal('ok') }), ...problemResponses() },
      },
    },
    () => Promise.resolve({ status: 'ok' as const }),
  );
  typed.get('/api/v1/openapi.json', { schema: { hide: true } }, () => Promise.resolve(app.swagger()));
  return app;
}
