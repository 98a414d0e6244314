/**
 * Storage environment detection (docs/architecture.md#the-storage-adapter). An explicit
 * STORAGE_MODE wins; in `auto`, aws when AWS_EXECUTION_ENV is set or USE_S3=true, local otherwise.
 */

export type StorageMode = 'local' | 'aws';
export type DatabaseType = 'mongodb' | 'dynamodb';

export interface DetectedEnvironment {
  readonly mode: StorageMode;
  readonly reason: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function detectEnvironment(env: Env): DetectedEnvironment {
  const requested = (env.STORAGE_MODE ?? 'auto').trim().toLowerCase();
  if (requested === 'local' || requested === 'aws') {
    return { mode: requested, reason: `STORAGE_MODE=${requested} (explicit)` };
  }
  if (env.AWS_EXECUTION_ENV) {
    return { mode: 'aws', reason: `AWS_EXECUTION_ENV=${env.AWS_EXECUTION_ENV} is set` };
  }
  if (env.USE_S3?.trim().toLowerCase() === 'true') {
    return { mode: 'aws', reason: 'USE_S3=true' };
  }
  return { mode: 'local', reason: 'no AWS_EXECUTION_ENV and USE_S3 is not true' };
}

/** The record store: DATABASE_TYPE when given, else mongodb in local mode and dynamodb in aws mode. */
export function defaultDatabaseType(mode: StorageMode): DatabaseType {
  return mode === 'aws' ? 'dynamodb' : 'mongodb';
}
