/** The environment schema, one zod object per concern (docs/configuration.md lists every variable). */
import { z } from 'zod';
import { pauseEnvSchema } from '../faults/pause-points.js';
import { isSlotMinutes, SLOT_MINUTES } from '../workflow-safe/slots.js';
import type { ModuleVariables } from './module-variables.js';
import { sftpEnvShape } from './sftp.js';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (protocols: readonly string[]) =>
  z.url().refine((v) => protocols.some((p) => v.startsWith(`${p}:`)), {
    message: `must be a ${protocols.join(' or ')} URL`,
  });

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, { message: 'must be host:port, e.g. 127.0.0.1:7233' });

export const temporalEnvSchema = z.object({
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('courant'),
  TEMPORAL_TLS: booleanString.default(false),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
});

export const storageEnvSchema = z.object({
  STORAGE_MODE: z.enum(['local', 'aws', 'auto']).default('auto'),
  /** Read by detectEnvironment; validated here so that a typo is reported instead of ignored. */
  USE_S3: z
    .string()
    .regex(/^(true|false)$/i, { message: 'must be true or false' })
    .optional(),
  DATABASE_TYPE: z.enum(['mongodb', 'dynamodb']).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  MONGODB_URL: url(['mongodb', 'mongodb+srv']).default('mongodb://127.0.0.1:27017/courant'),
  RECORD_PREFIX: z
    .string()
    .regex(/^[a-z0-9_]*$/, { message: 'lower-case letters, digits and _ only' })
    .default(''),
  /** Create the S3 bucket and the DynamoDB tables when missing (dev, tests); production provisions them. */
  CREATE_STORAGE: booleanString.default(false),
});

/** S3 bucket names: 3–63 lower-case letters, digits, dots and hyphens, starting and ending alphanumeric. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** An S3 prefix of `/`-separated segments, without leading or trailing `/`, `.` or `..`. */
const PREFIX = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*)?$/;

export const awsEnvSchema = z.object({
  S3_BUCKET: z.string().regex(BUCKET, { message: 'must be an S3 bucket name (3–63 of a-z 0-9 . -)' }).optional(),
  S3_PREFIX: z
    .string()
    .transform((v) => v.replace(/^\/+|\/+$/g, ''))
    .pipe(
      z
        .string()
        .regex(PREFIX, { message: 'segments of letters, digits, . _ - separated by /' })
        .refine((v) => !v.split('/').some((s) => s === '.' || s === '..'), { message: 'no "." or ".." segment' }),
    )
    .default('courant'),
  AWS_REGION: z
    .string()
    .regex(/^[a-z]{2}(?:-[a-z0-9]+)+$/, { message: 'must be a region name, e.g. eu-west-3' })
    .optional(),
  S3_ENDPOINT: url(['http', 'https']).optional(),
  DYNAMODB_ENDPOINT: url(['http', 'https']).optional(),
  DYNAMODB_TABLE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{0,200}$/, { message: 'letters, digits, _ . - only' })
    .default('courant_'),
  S3_CACHE_DIR: z.string().min(1).optional(),
  S3_CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(1024 ** 3),
});

export const sourcesEnvSchema = z.object({
  SOURCE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
});

const OVERLAPS = ['SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'CANCEL_OTHER', 'TERMINATE_OTHER', 'ALLOW_ALL'] as const;
const SCHEDULE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export const scheduleEnvSchema = z.object({
  SCHEDULE_ID: z
    .string()
    .regex(SCHEDULE_ID, { message: 'letters, digits, . _ - (at most 100)' })
    .default('courant-daily'),
  SCHEDULE_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM, e.g. 07:00' })
    .default('07:00'),
  SCHEDULE_TIMEZONE: z
    .string()
    .refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', {
      message: 'must be an IANA time zone',
    })
    .default('Europe/Paris'),
  SCHEDULE_CATCHUP_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24 * 7),
  // Each run is a different day and a day's runs share one workflow ID, so overlapping runs are safe.
  SCHEDULE_OVERLAP: z.enum(OVERLAPS).default('ALLOW_ALL'),
  INBOX_SCAN_SCHEDULE_ID: z
    .string()
    .regex(SCHEDULE_ID, { message: 'letters, digits, . _ - (at most 100)' })
    .default('courant-inbox-scan'),
  INBOX_SCAN_EVERY_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  REVISED_DAYS_SCHEDULE_ID: z
    .string()
    .regex(SCHEDULE_ID, { message: 'letters, digits, . _ - (at most 100)' })
    .default('courant-revised-days'),
  REVISED_DAYS_EVERY_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  /** How far back the revised-days check looks: eCO2mix's consolidated month comes out during the next one. */
  REVISED_DAYS_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(366).default(62),
  /**
   * The scheduled verification of outputs (`courant verify` over the lookback window): off by
   * default, since on S3 each run lists every output folder whole (LIST requests are billed).
   */
  VERIFY_SCHEDULE_ENABLED: booleanString.default(false),
  VERIFY_SCHEDULE_ID: z
    .string()
    .regex(SCHEDULE_ID, { message: 'letters, digits, . _ - (at most 100)' })
    .default('courant-verify'),
  VERIFY_EVERY_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  VERIFY_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(3660).default(62),
  /** The monthly billing (only when the enedis dataset is registered): a Paris day of the next month and a time. */
  BILLING_SCHEDULE_ID: z
    .string()
    .regex(SCHEDULE_ID, { message: 'letters, digits, . _ - (at most 100)' })
    .default('courant-billing'),
  BILLING_SCHEDULE_DAY: z.coerce.number().int().min(1).max(28).default(2),
  BILLING_SCHEDULE_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM, e.g. 09:00' })
    .default('09:00'),
  SNAPSHOT_SCHEDULE_ID: z
    .string()
    .regex(SCHEDULE_ID, { message: 'letters, digits, . _ - (at most 100)' })
    .default('courant-snapshots'),
  SNAPSHOT_EVERY_MINUTES: z.coerce
    .number()
    .int()
    .refine(isSlotMinutes, { message: `must divide an hour: one of ${SLOT_MINUTES.join(', ')}` })
    .default(15),
});

export const loggingEnvSchema = z.object({
  /** Recorded in every day record; the package version when unset (a deployment sets its build, e.g. a commit). */
  COURANT_CODE_VERSION: z
    .string()
    .regex(/^[A-Za-z0-9._+-]{1,64}$/, { message: 'letters, digits, . _ + - (at most 64)' })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** json: one JSON object a line; pretty: one readable line a record; auto: pretty on a terminal, else json. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** A directory of workflow bundles built ahead (`npm run build:bundle`); unset: bundled at start. */
  WORKFLOW_BUNDLE_DIR: z.string().min(1).optional(),
  /** The DuckDB memory limit of the worker and of `courant billing` and `perimeter`; beyond it DuckDB spills to the scratch directory. */
  DUCKDB_MEMORY_LIMIT: z
    .string()
    .regex(/^[1-9][0-9]*(MB|GB)$/, { message: 'a size such as 256MB or 2GB' })
    .default('256MB'),
  /**
   * Past this many PRMs a month is billed in shards of as many, each an activity any worker of the
   * task queue takes (docs/billing.md, "A month in shards"); a month of a million bills in one.
   */
  BILLING_SHARD_PRMS: z.coerce.number().int().min(1).default(1_000_000),
  /** The worker's DuckDB threads. */
  DUCKDB_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  /** How far the worker's JavaScript heaps may grow past what survived their last full collection, in percent; 0: V8's own rule. */
  WORKER_HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(300).default(100),
  /** A file the worker appends a line to for each activity it runs: its CPU, stages and I/O (the bench's cost model). */
  COST_LEDGER_FILE: z.string().min(1).optional(),
});

export const metricsEnvSchema = z.object({
  /** host:port of the worker's Prometheus endpoint (`/metrics`); no endpoint when unset. */
  METRICS_ADDRESS: hostPort
    .refine((v) => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535, { message: 'port must be at most 65535' })
    .optional(),
});

/**
 * OTEL_EXPORTER_OTLP_HEADERS as the OTel specification writes it: `key=value` pairs separated by
 * commas, values percent-encoded. The message never repeats the value (it usually holds a token).
 */
const otlpHeaders = z.string().transform((value, ctx) => {
  const headers: Record<string, string> = {};
  for (const member of value.split(',')) {
    const at = member.indexOf('=');
    const key = member.slice(0, Math.max(at, 0)).trim();
    let decoded: string | null = null;
    try {
      decoded = at > 0 ? decodeURIComponent(member.slice(at + 1).trim()) : null;
    } catch {
      decoded = null;
    }
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key) || decoded === null) {
      ctx.addIssue({ code: 'custom', message: 'must be key=value pairs separated by commas, values percent-encoded' });
      return z.NEVER;
    }
    headers[key] = decoded;
  }
  return headers;
});

export const tracingEnvSchema = z.object({
  /** Base URL of an OTLP/HTTP collector; traces go to `{endpoint}/v1/traces`. No traces when unset. */
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http', 'https']).optional(),
  /** Sent with every export (e.g. an authorization token); never logged. */
  OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders.optional(),
  /** `service.name` of the spans; courant-worker or courant-cli, by process, when unset. */
  OTEL_SERVICE_NAME: z.string().max(255).optional(),
});

/** SERVE_TOKENS: bearer tokens separated by commas, each long enough not to be guessed. Never logged. */
const serveTokens = z.string().transform((value, ctx) => {
  const tokens = value.split(',').map((t) => t.trim());
  if (tokens.some((t) => !/^[A-Za-z0-9._~+/=-]{24,256}$/.test(t))) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be tokens of 24 to 256 characters (letters, digits, . _ ~ + / = -) separated by commas',
    });
    return z.NEVER;
  }
  return tokens;
});

export const serveEnvSchema = z.object({
  /** The Temporal Web UI the console links each run to, e.g. http://127.0.0.1:8233. No links when unset. */
  TEMPORAL_UI_URL: url(['http', 'https'])
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  /** Bearer tokens `courant serve` accepts; required to listen elsewhere than on loopback. Never logged. */
  SERVE_TOKENS: serveTokens.optional(),
  /** Requests a minute each client of `courant serve` may make (a token, else an address); beyond them, 429. */
  SERVE_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).optional(),
});

/** The variables of courant itself; each dataset module adds its own (see {@link fullEnvSchema}). */
export const envSchema = temporalEnvSchema
  .extend(storageEnvSchema.shape)
  .extend(awsEnvSchema.shape)
  .extend(sourcesEnvSchema.shape)
  .extend(scheduleEnvSchema.shape)
  .extend(loggingEnvSchema.shape)
  // A fault drill's pause point (docs/operations.md#fault-drills): read where the points are.
  .extend(pauseEnvSchema.shape)
  .extend(metricsEnvSchema.shape)
  .extend(tracingEnvSchema.shape)
  .extend(serveEnvSchema.shape);

export type ParsedEnv = z.infer<typeof envSchema>;

/**
 * courant's variables, those of every module and of their SFTP servers (`sftp.ts`), parsed together
 * so that every problem is named at once.
 */
export function fullEnvSchema(modules: readonly ModuleVariables[]): z.ZodObject {
  return modules
    .reduce<z.ZodObject>((schema, { dataset }) => schema.extend(dataset.config.env.shape), envSchema)
    .extend(sftpEnvShape(modules));
}
