import { describe, expect, it } from 'vitest';
import { ConfigError, detectEnvironment, loadConfig } from '../../src/config/index.js';

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
    const config = loadConfig({});
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.temporal.taskQueue).toBe('courant');
    expect(config.storage.mode).toBe('local');
    expect(config.storage.databaseType).toBe('mongodb');
    expect(config.storage.mongodbUrl).toBe('mongodb://127.0.0.1:27017/courant');
    expect(config.sources.eco2mixBaseUrl).toBe('https://odre.opendatasoft.com');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ TEMPORAL_ADDRESS: '' }).temporal.address).toBe('127.0.0.1:7233');
  });

  it('reports every invalid variable at once, each by name', () => {
    let caught: unknown;
    try {
      loadConfig({
        TEMPORAL_ADDRESS: 'no-port',
        MONGODB_URL: 'http://x',
        SOURCE_TIMEOUT_MS: 'soon',
        TEMPORAL_TLS: 'maybe',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const name of ['TEMPORAL_ADDRESS', 'MONGODB_URL', 'SOURCE_TIMEOUT_MS', 'TEMPORAL_TLS']) {
      expect(problems).toContain(name);
    }
  });

  it('parses booleans by value, not by presence', () => {
    expect(loadConfig({ TEMPORAL_TLS: 'false' }).temporal.tls).toBe(false);
    expect(loadConfig({ TEMPORAL_TLS: 'true' }).temporal.tls).toBe(true);
  });

  it('refuses aws mode in this build, saying how to get local mode', () => {
    expect(() => loadConfig({ USE_S3: 'true' })).toThrow(/set STORAGE_MODE=local/);
  });
});
