/**
 * The console's HTTP server: read-only pages and API over the configured storage, safe to expose.
 * In order, each request meets: a bound on its URL's length, the rate limit of its client (a valid
 * token, else its address), the refusal of credentials in the URL, the bearer token when tokens are
 * required, then a route whose parameters pass their zod schema. Every refusal is a JSON problem
 * with a one-line reason; nothing answers with a stack trace. Headers (helmet): a CSP with no
 * external source and no script but the tooltip's (by hash), nosniff, frame-ancestors 'none'.
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
import type { DatasetCatalog } from '../datasets/modules.js';
import { TOOLTIP_SCRIPT_SOURCE } from '../reports/html/tooltip.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { RecordStore } from '../storage/records.js';
import { apiRoutes } from './api-routes.js';
import { credentialsInQuery, tokenCheck } from './auth.js';
import { pageRoutes } from './page-routes.js';
import { problem, PROBLEM_CONTENT_TYPE, ProblemError, type Problem } from './problems.js';
import { reportRoutes } from './report-routes.js';
import { storageGuard, type StoreNames } from './storage-guard.js';

/** Longer URLs are refused (414) before anything reads them. */
export const MAX_URL_LENGTH = 2048;

export interface RateLimitSettings {
  /** Requests a client may make per window. */
  readonly max: number;
  readonly windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitSettings = { max: 600, windowMs: 60_000 };

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

export const CONSOLE_CSP = {
  defaultSrc: ["'none'"],
  styleSrc: ["'unsafe-inline'"],
  imgSrc: ['data:'],
  scriptSrc: [TOOLTIP_SCRIPT_SOURCE],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

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
  const app = Fastify({
    logger: false,
    routerOptions: { maxParamLength: 100 },
    bodyLimit: 1024,
    return503OnClosing: true,
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
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problem(404, 'not-found', `no page or API at ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}`),
    ),
  );

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.length > MAX_URL_LENGTH)
      return sendProblem(reply, problem(414, 'uri-too-long', `the URL is longer than ${MAX_URL_LENGTH} characters`));
  });
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  await app.register(rateLimit, {
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
  // Route hooks run after the app's: the token is checked after the rate limit, so that a flood of bad tokens is limited too.
  const requireToken = async (request: FastifyRequest, reply: FastifyReply) => {
    if (options.tokens === null || tokens.match(request.headers.authorization) !== null) return;
    const detail = request.headers.authorization
      ? 'the bearer token is not one this server accepts'
      : 'an Authorization: Bearer token is required';
    reply.header('WWW-Authenticate', 'Bearer realm="courant"');
    return sendProblem(reply, problem(401, 'unauthorized', detail));
  };
  app.addHook('onRoute', (route) => {
    const existing = route.onRequest ?? [];
    route.onRequest = [...(Array.isArray(existing) ? existing : [existing]), requireToken];
  });
  app.addHook('onResponse', async (request, reply) => {
    logger.info(
      {
        method: request.method,
        path: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'console request',
    );
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'courant read API',
        version: packageJson.version,
        description: 'Day statuses, records, metrics, quality results and energies, read-only.',
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
  typed.get(
    '/api/v1/health',
    { schema: { summary: 'Answers while the server runs', response: { 200: z.object({ status: z.literal('ok') }) } } },
    () => Promise.resolve({ status: 'ok' as const }),
  );
  typed.get('/api/v1/openapi.json', { schema: { hide: true } }, () => Promise.resolve(app.swagger()));
  return app;
}
