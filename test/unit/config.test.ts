import { describe, expect, it } from 'vitest';
import { ConfigError, detectEnvironment, loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';

describe('detectEnvironment', () => {
  it('is local by default, with the reason', () => {
    expect(detectEnvironment({})).toEqual({ mode: 'local', reason: 'no AWS_EXECUTION_ENV and USE_S3 is not true' });
  });

  it('is aws when AWS_EXECUTION_ENV is set or USE_S3=true', () => {
    expect(detectEnvironment({ AWS_EXECUTION_ENV: 'AWS_ECS_FARGATE' }).mode).toBe('aws');
    expect(detectEnvironment({ USE_S3: 'true' }).mode).toBe('aws');
    expect(detectEnvironment({ USE_S3: 'false' }).mode).toBe('local');
  });

  it('lets an explicit STORAGE_MODE win over detection', () => {
    expect(detectEnvironment({ STORAGE_MODE: 'local', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' })).toEqual({
      mode: 'local',
      reason: 'STORAGE_MODE=local (explicit)',
    });
  });
});

describe('loadConfig', () => {
  it('gives working defaults for the embedded local stack', () => {
    const config = loadConfig({}, DATASET_MODULES);
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.temporal.taskQueue).toBe('courant');
    expect(config.storage.mode).toBe('local');
    expect(config.storage.databaseType).toBe('mongodb');
    expect(config.storage.mongodbUrl).toBe('mongodb://127.0.0.1:27017/courant');
    expect(config.datasets.eco2mix).toEqual({ baseUrl: 'https://odre.opendatasoft.com' });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ TEMPORAL_ADDRESS: '' }, DATASET_MODULES).temporal.address).toBe('127.0.0.1:7233');
  });

  it('reports every invalid variable at once, each by name', () => {
    let caught: unknown;
    try {
      loadConfig(
        {
          TEMPORAL_ADDRESS: 'no-port',
          MONGODB_URL: 'http://x',
          SOURCE_TIMEOUT_MS: 'soon',
          TEMPORAL_TLS: 'maybe',
        },
        DATASET_MODULES,
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const name of ['TEMPORAL_ADDRESS', 'MONGODB_URL', 'SOURCE_TIMEOUT_MS', 'TEMPORAL_TLS']) {
      expect(problems).toContain(name);
    }
  });

  it("accepts a fault drill's pause point by its name and refuses any other name", () => {
    expect(() => loadConfig({ COURANT_PAUSE_AT: 'billing:record-written' }, DATASET_MODULES)).not.toThrow();
    expect(() => loadConfig({ COURANT_PAUSE_AT: 'billing:record_written' }, DATASET_MODULES)).toThrow(
      /COURANT_PAUSE_AT: .*"billing:version-written"/,
    );
  });

  it('parses booleans by value, not by presence', () => {
    expect(loadConfig({ TEMPORAL_TLS: 'false' }, DATASET_MODULES).temporal.tls).toBe(false);
    expect(loadConfig({ TEMPORAL_TLS: 'true' }, DATASET_MODULES).temporal.tls).toBe(true);
  });

  it('loads aws mode: S3 with its cache and mirror, DynamoDB by default', () => {
    const config = loadConfig(
      {
        AWS_EXECUTION_ENV: 'AWS_ECS_FARGATE',
        S3_BUCKET: 'energy-data',
        S3_PREFIX: '/courant/prod/',
        AWS_REGION: 'eu-west-3',
        DATA_DIR: '/srv/courant',
      },
      DATASET_MODULES,
    );
    expect(config.storage).toMatchObject({
      mode: 'aws',
      modeReason: 'AWS_EXECUTION_ENV=AWS_ECS_FARGATE is set',
      databaseType: 'dynamodb',
      dataDir: '/srv/courant',
      createMissing: false,
      s3: {
        bucket: 'energy-data',
        prefix: 'courant/prod',
        region: 'eu-west-3',
        endpoint: undefined,
        cacheDir: '/srv/courant/.s3-cache',
        cacheMaxBytes: 1024 ** 3,
      },
      dynamodb: { region: 'eu-west-3', endpoint: undefined, tablePrefix: 'courant_' },
    });
  });

  it('points at S3-compatible servers and DynamoDB Local when endpoints are given', () => {
    const config = loadConfig(
      {
        USE_S3: 'true',
        S3_BUCKET: 'local-bucket',
        AWS_REGION: 'us-east-1',
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
        DYNAMODB_TABLE_PREFIX: 'dev_',
        S3_CACHE_DIR: '/tmp/cache',
        S3_CACHE_MAX_BYTES: '0',
        CREATE_STORAGE: 'true',
      },
      DATASET_MODULES,
    );
    expect(config.storage.modeReason).toBe('USE_S3=true');
    expect(config.storage.s3).toMatchObject({
      endpoint: 'http://127.0.0.1:9000',
      cacheDir: '/tmp/cache',
      cacheMaxBytes: 0,
    });
    expect(config.storage.dynamodb).toMatchObject({ endpoint: 'http://127.0.0.1:8000', tablePrefix: 'dev_' });
    expect(config.storage.createMissing).toBe(true);
  });

  it('lets DATABASE_TYPE choose the record store in either mode', () => {
    const awsWithMongo = loadConfig(
      {
        STORAGE_MODE: 'aws',
        S3_BUCKET: 'b-1',
        AWS_REGION: 'eu-west-3',
        DATABASE_TYPE: 'mongodb',
      },
      DATASET_MODULES,
    );
    expect(awsWithMongo.storage).toMatchObject({ mode: 'aws', databaseType: 'mongodb', dynamodb: null });
    const localWithDynamo = loadConfig({ DATABASE_TYPE: 'dynamodb', AWS_REGION: 'eu-west-3' }, DATASET_MODULES);
    expect(localWithDynamo.storage).toMatchObject({ mode: 'local', databaseType: 'dynamodb', s3: null });
    expect(loadConfig({}, DATASET_MODULES).storage).toMatchObject({ s3: null, dynamodb: null });
  });

  it('names every variable aws mode is missing', () => {
    expect(() => loadConfig({ USE_S3: 'true' }, DATASET_MODULES)).toThrow(ConfigError);
    try {
      loadConfig({ USE_S3: 'true' }, DATASET_MODULES);
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'S3_BUCKET: required in aws mode',
        'AWS_REGION: required in aws mode',
      ]);
    }
    expect(() => loadConfig({ DATABASE_TYPE: 'dynamodb' }, DATASET_MODULES)).toThrow(
      /AWS_REGION: required with DATABASE_TYPE=dynamodb/,
    );
  });

  it('reports every invalid storage variable at once, each by name', () => {
    let caught: unknown;
    try {
      loadConfig(
        {
          STORAGE_MODE: 'aws',
          S3_BUCKET: 'Not_A_Bucket',
          S3_PREFIX: 'a/../b',
          AWS_REGION: 'Paris',
          S3_ENDPOINT: 'minio:9000',
          DYNAMODB_ENDPOINT: 'ftp://x',
          DYNAMODB_TABLE_PREFIX: 'bad prefix',
          S3_CACHE_MAX_BYTES: '-1',
          USE_S3: 'maybe',
          CREATE_STORAGE: 'sure',
        },
        DATASET_MODULES,
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const name of [
      'S3_BUCKET',
      'S3_PREFIX',
      'AWS_REGION',
      'S3_ENDPOINT',
      'DYNAMODB_ENDPOINT',
      'DYNAMODB_TABLE_PREFIX',
      'S3_CACHE_MAX_BYTES',
      'USE_S3',
      'CREATE_STORAGE',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('treats an empty AWS_EXECUTION_ENV as unset', () => {
    expect(loadConfig({ AWS_EXECUTION_ENV: '' }, DATASET_MODULES).storage.mode).toBe('local');
  });
});
