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
  DATABASE_TYPE: z.enum(['mongodb', 'dynamodb']).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  MONGODB_URL: url(['mongodb', 'mongodb+srv']).default('mongodb://127.0.0.1:27017/courant'),
  RECORD_PREFIX: z
    .string()
    .regex(/^[a-z0-9_]*$/, { message: 'lower-case letters, digits and _ only' })
    .default(''),
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
  .extend(sourcesEnvSchema.shape)
  .extend(loggingEnvSchema.shape);

export type ParsedEnv = z.infer<typeof envSchema>;
