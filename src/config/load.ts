/** loadConfig(env): parse the environment once, at the composition root, into a typed Config. */
import path from 'node:path';
import packageJson from '../../package.json' with { type: 'json' };
import type { ModuleVariables } from './module-variables.js';
import { envSchema, fullEnvSchema, type ParsedEnv } from './schema.js';
import { sftpPickupEnvSchema, sftpProblems, sftpSources, type SftpSourceConfig } from './sftp.js';
import { defaultDatabaseType, detectEnvironment, type DatabaseType, type StorageMode } from './environment.js';

/** Requests a minute a client of `courant serve` may make when SERVE_RATE_LIMIT is unset. */
export const DEFAULT_SERVE_RATE_LIMIT = 600;

/** S3 object storage (aws mode): `s3://{bucket}/{prefix}/`, with a local read cache. */
export interface S3Config {
  readonly bucket: string;
  /** Key prefix without leading or trailing `/`; empty for the bucket root. */
  readonly prefix: string;
  readonly region: string;
  /** An S3-compatible server (MinIO, …); addressed path-style. Absent for AWS itself. */
  readonly endpoint: string | undefined;
  readonly cacheDir: string;
  /** 0 disables the cache. */
  readonly cacheMaxBytes: number;
}

/** DynamoDB record store: tables `{tablePrefix}day_runs`, `{tablePrefix}metrics`, `{tablePrefix}reports`. */
export interface DynamoDbConfig {
  readonly region: string;
  /** DynamoDB Local or another endpoint; absent for AWS itself. */
  readonly endpoint: string | undefined;
  readonly tablePrefix: string;
}

export interface Config {
  readonly temporal: {
    readonly address: string;
    readonly namespace: string;
    readonly taskQueue: string;
    readonly tls: boolean;
    readonly apiKey: string | undefined;
    readonly cliPath: string | undefined;
  };
  readonly storage: {
    readonly mode: StorageMode;
    readonly modeReason: string;
    readonly databaseType: DatabaseType;
    /** Local mode: the object store. Aws mode: the local mirror that reads fall back to. */
    readonly dataDir: string;
    readonly mongodbUrl: string;
    readonly recordPrefix: string;
    /** Create the bucket and tables when missing (dev and tests; production provisions them). */
    readonly createMissing: boolean;
    /** Set in aws mode. */
    readonly s3: S3Config | null;
    /** Set when DATABASE_TYPE resolves to dynamodb. */
    readonly dynamodb: DynamoDbConfig | null;
  };
  readonly sources: {
    readonly timeoutMs: number;
  };
  readonly schedules: {
    readonly daily: {
      readonly scheduleId: string;
      readonly hour: number;
      readonly minute: number;
      readonly timezone: string;
      readonly catchupWindowHours: number;
      readonly overlap: ParsedEnv['SCHEDULE_OVERLAP'];
    };
    readonly inboxScan: { readonly scheduleId: string; readonly everyMinutes: number };
    readonly revisedDays: { readonly scheduleId: string; readonly everyHours: number; readonly lookbackDays: number };
    readonly snapshots: { readonly scheduleId: string; readonly everyMinutes: number };
    readonly verify: {
      readonly enabled: boolean;
      readonly scheduleId: string;
      readonly everyHours: number;
      readonly lookbackDays: number;
    };
    readonly sftpPickup: { readonly scheduleId: string; readonly everySeconds: number };
    /** The monthly billing: on `day` of each month at `hour`:`minute` Paris, the month before is billed. */
    readonly billing: {
      readonly scheduleId: string;
      readonly day: number;
      readonly hour: number;
      readonly minute: number;
    };
  };
  /** The SFTP server of each dataset picked up from one (`{NAME}_SFTP_*`), by dataset name. */
  readonly sftp: Readonly<Record<string, SftpSourceConfig>>;
  /** Each dataset module's own configuration, by module name (what its `config.read` returned). */
  readonly datasets: Readonly<Record<string, unknown>>;
  readonly logLevel: ParsedEnv['LOG_LEVEL'];
  /** How logs are written (LOG_FORMAT); `auto` is decided by whether stderr is a terminal. */
  readonly logFormat: ParsedEnv['LOG_FORMAT'];
  /** WORKFLOW_BUNDLE_DIR, absolute: the worker runs the bundles built there; null: it bundles at start. */
  readonly workflowBundleDir: string | null;
  /** DUCKDB_MEMORY_LIMIT: the DuckDB memory limit of the worker and of `courant billing` and `perimeter`, e.g. `256MB`. */
  readonly duckdbMemoryLimit: string;
  /** BILLING_SHARD_PRMS: past this many PRMs, a month is billed in shards of as many, each an activity of its own. */
  readonly billingShardPrms: number;
  /** DUCKDB_THREADS: the worker's DuckDB threads. */
  readonly duckdbThreads: number;
  /** WORKER_HEAP_GROWTH_PERCENT: how far the worker's heaps grow past their live data before a full collection; 0: V8's own rule. */
  readonly workerHeapGrowthPercent: number;
  /** COST_LEDGER_FILE, absolute: where the worker writes what each activity costs; null: nothing written. */
  readonly costLedgerFile: string | null;
  /** The worker's Prometheus endpoint, `host:port` (METRICS_ADDRESS); null when metrics are off. */
  readonly metricsAddress: string | null;
  /** Recorded in day records: COURANT_CODE_VERSION, else the package version. */
  readonly codeVersion: string;
  /** The web console and read API (`courant serve`, docs/console.md). */
  readonly serve: {
    /** TEMPORAL_UI_URL without a trailing `/`; null: runs are not linked. */
    readonly temporalUiUrl: string | null;
    /** SERVE_TOKENS: the bearer tokens accepted; empty: none configured. Never logged. */
    readonly tokens: readonly string[];
    /** SERVE_RATE_LIMIT: requests a minute per client (default 600). */
    readonly rateLimit: number;
  };
  /** OpenTelemetry traces (docs/metrics.md#traces). */
  readonly tracing: {
    /** OTEL_EXPORTER_OTLP_ENDPOINT, the collector's base URL; null: no traces exported. */
    readonly otlpEndpoint: string | null;
    /** OTEL_EXPORTER_OTLP_HEADERS, decoded; sent with every export, never logged. */
    readonly otlpHeaders: Readonly<Record<string, string>>;
    /** OTEL_SERVICE_NAME; null: each process names itself (courant-worker, courant-cli). */
    readonly serviceName: string | null;
  };
}

/** Thrown when the environment is invalid; `problems` names every variable at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Empty strings count as unset, so `FOO=` in a .env file means "use the default". */
function withoutEmpty(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/** Variables that the detected mode needs and that have no default, each named with why. */
function missingForMode(env: Record<string, string>, mode: StorageMode, databaseType: DatabaseType): string[] {
  const problems: string[] = [];
  const why = mode === 'aws' ? 'required in aws mode' : 'required with DATABASE_TYPE=dynamodb';
  if (mode === 'aws' && env.S3_BUCKET === undefined) problems.push('S3_BUCKET: required in aws mode');
  if ((mode === 'aws' || databaseType === 'dynamodb') && env.AWS_REGION === undefined)
    problems.push(`AWS_REGION: ${why}`);
  return problems;
}

/**
 * Parses the environment for courant and for each of `modules` (the composition root passes the
 * registry's). Whether the modules fit together is the catalog's check, when it is created.
 */
export function loadConfig(env: Env, modules: readonly ModuleVariables[]): Config {
  const raw = withoutEmpty(env);
  const parsed = fullEnvSchema(modules).safeParse(raw);
  const detected = detectEnvironment(raw);
  const requestedDatabase =
    raw.DATABASE_TYPE === 'dynamodb' || raw.DATABASE_TYPE === 'mongodb' ? raw.DATABASE_TYPE : null;
  const databaseType = requestedDatabase ?? defaultDatabaseType(detected.mode);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`)),
    ...missingForMode(raw, detected.mode, databaseType),
    ...sftpProblems(raw, modules),
    ...modules.flatMap(({ dataset }) => dataset.config.problems?.(raw) ?? []),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const all: Readonly<Record<string, unknown>> = parsed.data;
  const e = envSchema.parse(raw);
  const pickup = sftpPickupEnvSchema.parse(raw);
  const dataDir = path.resolve(e.DATA_DIR);
  const region = e.AWS_REGION ?? '';
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      tls: e.TEMPORAL_TLS,
      apiKey: e.TEMPORAL_API_KEY,
      cliPath: e.TEMPORAL_CLI_PATH,
    },
    storage: {
      mode: detected.mode,
      modeReason: detected.reason,
      databaseType,
      dataDir,
      mongodbUrl: e.MONGODB_URL,
      recordPrefix: e.RECORD_PREFIX,
      createMissing: e.CREATE_STORAGE,
      s3:
        detected.mode === 'aws'
          ? {
              bucket: e.S3_BUCKET ?? '',
              prefix: e.S3_PREFIX,
              region,
              endpoint: e.S3_ENDPOINT,
              cacheDir: path.resolve(e.S3_CACHE_DIR ?? path.join(dataDir, '.s3-cache')),
              cacheMaxBytes: e.S3_CACHE_MAX_BYTES,
            }
          : null,
      dynamodb:
        databaseType === 'dynamodb'
          ? { region, endpoint: e.DYNAMODB_ENDPOINT, tablePrefix: e.DYNAMODB_TABLE_PREFIX }
          : null,
    },
    sources: { timeoutMs: e.SOURCE_TIMEOUT_MS },
    schedules: {
      daily: {
        scheduleId: e.SCHEDULE_ID,
        hour: Number(e.SCHEDULE_TIME.slice(0, 2)),
        minute: Number(e.SCHEDULE_TIME.slice(3, 5)),
        timezone: e.SCHEDULE_TIMEZONE,
        catchupWindowHours: e.SCHEDULE_CATCHUP_HOURS,
        overlap: e.SCHEDULE_OVERLAP,
      },
      inboxScan: { scheduleId: e.INBOX_SCAN_SCHEDULE_ID, everyMinutes: e.INBOX_SCAN_EVERY_MINUTES },
      revisedDays: {
        scheduleId: e.REVISED_DAYS_SCHEDULE_ID,
        everyHours: e.REVISED_DAYS_EVERY_HOURS,
        lookbackDays: e.REVISED_DAYS_LOOKBACK_DAYS,
      },
      snapshots: { scheduleId: e.SNAPSHOT_SCHEDULE_ID, everyMinutes: e.SNAPSHOT_EVERY_MINUTES },
      verify: {
        enabled: e.VERIFY_SCHEDULE_ENABLED,
        scheduleId: e.VERIFY_SCHEDULE_ID,
        everyHours: e.VERIFY_EVERY_HOURS,
        lookbackDays: e.VERIFY_LOOKBACK_DAYS,
      },
      sftpPickup: { scheduleId: pickup.SFTP_PICKUP_SCHEDULE_ID, everySeconds: pickup.SFTP_PICKUP_EVERY_SECONDS },
      billing: {
        scheduleId: e.BILLING_SCHEDULE_ID,
        day: e.BILLING_SCHEDULE_DAY,
        hour: Number(e.BILLING_SCHEDULE_TIME.slice(0, 2)),
        minute: Number(e.BILLING_SCHEDULE_TIME.slice(3, 5)),
      },
    },
    sftp: sftpSources(all, modules),
    datasets: Object.fromEntries(modules.map(({ dataset }) => [dataset.name, dataset.config.read(all)])),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    workflowBundleDir: e.WORKFLOW_BUNDLE_DIR ? path.resolve(e.WORKFLOW_BUNDLE_DIR) : null,
    duckdbMemoryLimit: e.DUCKDB_MEMORY_LIMIT,
    duckdbThreads: e.DUCKDB_THREADS,
    billingShardPrms: e.BILLING_SHARD_PRMS,
    workerHeapGrowthPercent: e.WORKER_HEAP_GROWTH_PERCENT,
    costLedgerFile: e.COST_LEDGER_FILE ? path.resolve(e.COST_LEDGER_FILE) : null,
    metricsAddress: e.METRICS_ADDRESS ?? null,
    codeVersion: e.COURANT_CODE_VERSION ?? packageJson.version,
    serve: {
      temporalUiUrl: e.TEMPORAL_UI_URL ?? null,
      tokens: e.SERVE_TOKENS ?? [],
      rateLimit: e.SERVE_RATE_LIMIT ?? DEFAULT_SERVE_RATE_LIMIT,
    },
    tracing: {
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
      otlpHeaders: e.OTEL_EXPORTER_OTLP_HEADERS ?? {},
      serviceName: e.OTEL_SERVICE_NAME ?? null,
    },
  };
}
