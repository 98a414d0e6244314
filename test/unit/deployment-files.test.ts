import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadConfig } from '../../src/config/index.js';
import { fullEnvSchema } from '../../src/config/schema.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { devServerSearchAttributeArgs } from '../../src/workflow-safe/search-attributes.js';
import { DEV_SERVER_SPEED_SETTINGS } from '../../src/stack/servers.js';

/** courant's variables and those of every registered dataset module. */
const VARIABLES = Object.keys(fullEnvSchema(DATASET_MODULES).shape);
const KNOWN_VARIABLES = new Set([...VARIABLES, 'AWS_EXECUTION_ENV']);
/** Read by the AWS SDK's default credential chain, not by courant's configuration. */
const SDK_CREDENTIALS = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);

const composeSchema = z.object({
  services: z.object({
    temporal: z.object({ command: z.array(z.string()) }),
    worker: z.object({ environment: z.record(z.string(), z.string()) }),
    'worker-aws': z.object({ environment: z.record(z.string(), z.string()), profiles: z.array(z.string()) }),
    console: z.object({
      command: z.array(z.string()),
      environment: z.record(z.string(), z.string()),
      ports: z.array(z.string()),
      volumes: z.array(z.string()),
    }),
  }),
});

async function compose() {
  return composeSchema.parse(parse(await readFile('docker-compose.yml', 'utf8')));
}

describe('docker-compose.yml', () => {
  it('sets only variables the config schema knows, and they load without error', async () => {
    const env = (await compose()).services.worker.environment;
    for (const name of Object.keys(env)) expect(KNOWN_VARIABLES, name).toContain(name);
    const config = loadConfig(env, DATASET_MODULES);
    expect(config.temporal.address).toBe('temporal:7233');
    expect(config.storage.mode).toBe('local');
  });

  it('runs aws mode on MinIO and DynamoDB Local under the aws profile, with a configuration that loads', async () => {
    const worker = (await compose()).services['worker-aws'];
    expect(worker.profiles).toEqual(['aws']);
    const env = worker.environment;
    for (const name of Object.keys(env))
      expect(new Set([...KNOWN_VARIABLES, ...SDK_CREDENTIALS]), name).toContain(name);
    const config = loadConfig(env, DATASET_MODULES);
    expect(config.storage).toMatchObject({ mode: 'aws', databaseType: 'dynamodb', createMissing: true });
    expect(config.storage.s3?.endpoint).toBe('http://minio:9000');
  });

  it('runs the console on the worker storage, read-only, reachable from the host loopback only unless tokens are set', async () => {
    const services = (await compose()).services;
    const env = services.console.environment;
    for (const name of Object.keys(env)) expect(KNOWN_VARIABLES, name).toContain(name);
    const config = loadConfig(env, DATASET_MODULES);
    const worker = loadConfig(services.worker.environment, DATASET_MODULES);
    expect(config.storage).toMatchObject({ mode: worker.storage.mode, mongodbUrl: worker.storage.mongodbUrl });
    expect(config.storage.dataDir).toBe(worker.storage.dataDir);
    expect(config.serve.temporalUiUrl).toBe('http://127.0.0.1:8233');
    expect(services.console.command.slice(0, 1)).toEqual(['serve']);
    expect(services.console.volumes.every((v) => v.endsWith(':ro'))).toBe(true);
    if (services.console.command.includes('--insecure-no-auth'))
      expect(services.console.ports.every((p) => p.startsWith('127.0.0.1:'))).toBe(true);
  });

  it('registers exactly the search attributes the workflows use', async () => {
    const args = devServerSearchAttributeArgs().filter((a) => a !== '--search-attribute');
    const declared = (await compose()).services.temporal.command
      .filter((c) => c.startsWith('--search-attribute='))
      .map((c) => c.slice('--search-attribute='.length));
    expect(declared.sort()).toEqual(args.sort());
  });

  it('runs Temporal with the settings of the embedded dev server (eager activity dispatch)', async () => {
    const settings = (await compose()).services.temporal.command
      .filter((c) => c.startsWith('--dynamic-config-value='))
      .map((c) => c.slice('--dynamic-config-value='.length));
    expect(settings.sort()).toEqual([...DEV_SERVER_SPEED_SETTINGS].sort());
  });
});

describe('.env.example', () => {
  it('documents every variable of the config schema and of every dataset module, and nothing else', async () => {
    const names = (await readFile('.env.example', 'utf8'))
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=/.exec(line)?.[1])
      .filter((n): n is string => n !== undefined);
    expect(new Set(names)).toEqual(new Set(VARIABLES));
  });
});
