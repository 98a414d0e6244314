/** loadConfig(env): parse the environment once, at the composition root, into a typed Config. */
import path from 'node:path';
import { envSchema, type ParsedEnv } from './schema.js';
import { defaultDatabaseType, detectEnvironment, type DatabaseType, type StorageMode } from './environment.js';

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
    readonly dataDir: string;
    readonly mongodbUrl: string;
    readonly recordPrefix: string;
  };
  readonly sources: {
    readonly eco2mixBaseUrl: string;
    readonly timeoutMs: number;
  };
  readonly logLevel: ParsedEnv['LOG_LEVEL'];
}

/** Thrown when the environment is invalid; `problems` names every variable at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Empty strings count as unset, so `FOO=` in a .env file means "use the default". */
function withoutEmpty(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

export function loadConfig(env: Env): Config {
  const parsed = envSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const detected = detectEnvironment(env);
  if (detected.mode === 'aws') {
    throw new ConfigError([
      `STORAGE_MODE: aws mode was selected (${detected.reason}) but this build supports local mode only; set STORAGE_MODE=local`,
    ]);
  }
  const databaseType = e.DATABASE_TYPE ?? defaultDatabaseType(detected.mode);
  if (databaseType !== 'mongodb') {
    throw new ConfigError([`DATABASE_TYPE: ${databaseType} is not available in local mode yet; use mongodb`]);
  }
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
      dataDir: path.resolve(e.DATA_DIR),
      mongodbUrl: e.MONGODB_URL,
      recordPrefix: e.RECORD_PREFIX,
    },
    sources: { eco2mixBaseUrl: e.ECO2MIX_BASE_URL, timeoutMs: e.SOURCE_TIMEOUT_MS },
    logLevel: e.LOG_LEVEL,
  };
}
