/**
 * The stack's settings, from CDK context (`cdk deploy -c key=value` or cdk.json). camelCase keys
 * shape the stack; UPPER_CASE keys are worker environment variables, each checked by its own field
 * of the configuration schema (src/config/schema.ts and the dataset modules' fragments).
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { envSchema, fullEnvSchema } from '../../../src/config/schema.js';
import { DATASET_MODULES } from '../../../src/datasets/registry.js';

/** A variable of courant's own schema. */
export type EnvName = keyof typeof envSchema.shape;

/** Variables the stack sets from its resources and its shape: context cannot set them. */
export const STACK_VARIABLES = [
  'STORAGE_MODE',
  'DATABASE_TYPE',
  'CREATE_STORAGE',
  'S3_BUCKET',
  'AWS_REGION',
  'TEMPORAL_API_KEY',
] as const satisfies readonly EnvName[];

/** Variables of other set-ups (local mode, S3-compatible servers, DynamoDB Local, the CLI's dev server). */
export const FOREIGN_VARIABLES = [
  'USE_S3',
  'MONGODB_URL',
  'RECORD_PREFIX',
  'S3_ENDPOINT',
  'DYNAMODB_ENDPOINT',
  'TEMPORAL_CLI_PATH',
] as const satisfies readonly EnvName[];

/**
 * The Enedis secrets, which come from the Secrets Manager secret `enedisSecret` names (a JSON
 * object with these keys), never from context: context is written to the template in the clear.
 */
export const ENEDIS_SECRET_KEYS = {
  key: ['ENEDIS_AES_KEY', 'ENEDIS_AES_IV', 'ENEDIS_SFTP_PRIVATE_KEY'],
  password: ['ENEDIS_AES_KEY', 'ENEDIS_AES_IV', 'ENEDIS_SFTP_PASSWORD'],
} as const;
const SECRET_VARIABLES = [
  'ENEDIS_AES_KEY',
  'ENEDIS_AES_IV',
  'ENEDIS_SFTP_PRIVATE_KEY',
  'ENEDIS_SFTP_PRIVATE_KEY_FILE',
  'ENEDIS_SFTP_PASSWORD',
  'ENEDIS_SFTP_PASSWORD_FILE',
];

/** Variables without which a Fargate worker cannot run (the schema's default is a loopback address). */
const REQUIRED_VARIABLES = ['TEMPORAL_ADDRESS'] as const satisfies readonly EnvName[];

/** Fargate's task CPU sizes, in CPU units (1024 = one vCPU). */
const FARGATE_CPU = [256, 512, 1024, 2048, 4096, 8192, 16384];

const RETENTION_DAYS = new Set<number>(Object.values(RetentionDays).filter((v) => typeof v === 'number'));

const count = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const stackContextSchema = z.object({
  image: z.string({ error: 'required: the worker image (registry/repository:tag)' }).min(1),
  temporalApiKeySecret: z.string().min(1).optional(),
  enedisSecret: z.string().min(1).optional(),
  enedisSftpAuth: z.enum(['key', 'password']).default('key'),
  bucketName: envSchema.shape.S3_BUCKET,
  desiredCount: count(0, 16, 1),
  cpu: z.coerce
    .number()
    .refine((units) => FARGATE_CPU.includes(units), { message: `must be one of ${FARGATE_CPU.join(', ')}` })
    .default(1024),
  memoryMiB: count(512, 30720, 2048),
  ephemeralStorageGiB: count(21, 200, 40),
  logRetentionDays: z.coerce
    .number()
    .refine((days) => RETENTION_DAYS.has(days), { message: 'must be a CloudWatch Logs retention, e.g. 30' })
    .default(RetentionDays.ONE_MONTH),
  noncurrentVersionDays: count(1, 3650, 30),
  alarmEmail: z.email().optional(),
});

export interface CourantSettings {
  /** Container image of the worker (the repository's Dockerfile). */
  readonly image: string;
  /** Name or ARN of the Secrets Manager secret holding TEMPORAL_API_KEY; none for a Temporal server without keys. */
  readonly temporalApiKeySecret: string | undefined;
  /**
   * Name or ARN of the Secrets Manager secret holding the Enedis secrets (ENEDIS_SECRET_KEYS of
   * `enedisSftpAuth`); none when Enedis deliveries are neither encrypted nor picked up by SFTP.
   */
  readonly enedisSecret: { readonly nameOrArn: string; readonly keys: readonly string[] } | undefined;
  /** Physical bucket name; CloudFormation generates one when absent. */
  readonly bucketName: string | undefined;
  readonly desiredCount: number;
  /** Fargate task size: CPU units and memory (MiB), and task storage (GiB) for DATA_DIR and the S3 cache. */
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly ephemeralStorageGiB: number;
  readonly logRetentionDays: RetentionDays;
  /** Days an overwritten object version is kept. */
  readonly noncurrentVersionDays: number;
  /** Subscribed to the alarm topic when given. */
  readonly alarmEmail: string | undefined;
  /** S3_PREFIX as the worker parses it (no slash at either end). */
  readonly s3Prefix: string;
  /** DYNAMODB_TABLE_PREFIX. */
  readonly tablePrefix: string;
  /** Worker variables from context, checked, S3_PREFIX and DYNAMODB_TABLE_PREFIX always among them. */
  readonly environment: Readonly<Record<string, string>>;
}

/** Thrown when the context is invalid; `problems` names every key at fault. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid CDK context:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const isVariableName = (key: string) => /^[A-Z][A-Z0-9_]*$/.test(key);

function contextString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The worker variables among the context's keys, each checked by its schema field. Empty counts as unset, as in the worker. */
function workerVariables(context: Readonly<Record<string, unknown>>, problems: string[]): Record<string, string> {
  const fields: Readonly<Record<string, z.ZodType | undefined>> = fullEnvSchema(DATASET_MODULES).shape;
  const managed = new Set<string>([...STACK_VARIABLES, ...FOREIGN_VARIABLES]);
  const variables: Record<string, string> = {};
  for (const [name, raw] of Object.entries(context).filter(([key, v]) => isVariableName(key) && v !== '')) {
    const field = fields[name];
    const value = contextString(raw);
    if (!field) problems.push(`${name}: not a variable of courant's configuration schema`);
    else if (managed.has(name)) problems.push(`${name}: set by the stack (or not used on AWS), not by context`);
    else if (SECRET_VARIABLES.includes(name))
      problems.push(`${name}: a secret: put it in the secret enedisSecret names, never in context`);
    else if (value === undefined) problems.push(`${name}: must be a string`);
    else {
      const parsed = field.safeParse(value);
      if (parsed.success) variables[name] = value;
      else problems.push(...parsed.error.issues.map((issue) => `${name}: ${issue.message}`));
    }
  }
  for (const name of REQUIRED_VARIABLES)
    if (context[name] === undefined || context[name] === '') problems.push(`${name}: required`);
  return variables;
}

/** Settings from the whole CDK context (`app.node.getAllContext()`); every problem is named at once. */
export function readSettings(context: Readonly<Record<string, unknown>>): CourantSettings {
  const problems: string[] = [];
  const stack = stackContextSchema.safeParse(context);
  if (!stack.success) problems.push(...stack.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const variables = workerVariables(context, problems);
  if (variables.ENEDIS_SFTP_HOST !== undefined && stack.success && stack.data.enedisSecret === undefined)
    problems.push('ENEDIS_SFTP_HOST: needs enedisSecret, the secret holding the SFTP credentials and the AES key');
  if (!stack.success || problems.length > 0) throw new SettingsError(problems);
  const s3Prefix = envSchema.shape.S3_PREFIX.parse(variables.S3_PREFIX);
  const tablePrefix = envSchema.shape.DYNAMODB_TABLE_PREFIX.parse(variables.DYNAMODB_TABLE_PREFIX);
  const { data } = stack;
  return {
    image: data.image,
    temporalApiKeySecret: data.temporalApiKeySecret,
    enedisSecret:
      data.enedisSecret === undefined
        ? undefined
        : { nameOrArn: data.enedisSecret, keys: ENEDIS_SECRET_KEYS[data.enedisSftpAuth] },
    bucketName: data.bucketName,
    desiredCount: data.desiredCount,
    cpu: data.cpu,
    memoryMiB: data.memoryMiB,
    ephemeralStorageGiB: data.ephemeralStorageGiB,
    logRetentionDays: data.logRetentionDays,
    noncurrentVersionDays: data.noncurrentVersionDays,
    alarmEmail: data.alarmEmail,
    s3Prefix,
    tablePrefix,
    // `/` is how the bucket root is written: the worker reads an empty value as the default prefix.
    environment: { ...variables, S3_PREFIX: s3Prefix === '' ? '/' : s3Prefix, DYNAMODB_TABLE_PREFIX: tablePrefix },
  };
}
