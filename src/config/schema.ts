/** The environment schema (DESIGN §5), one zod object per concern. */
import { z } from 'zod';

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
  ECO2MIX_BASE_URL: url(['http', 'https']).default('https://odre.opendatasoft.com'),
  SOURCE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
});

export const loggingEnvSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const envSchema = temporalEnvSchema
  .extend(storageEnvSchema.shape)
  .extend(awsEnvSchema.shape)
  .extend(sourcesEnvSchema.shape)
  .extend(loggingEnvSchema.shape);

export type ParsedEnv = z.infer<typeof envSchema>;
