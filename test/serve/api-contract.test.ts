/**
 * The read API as its clients meet it: a real `courant serve` process, bearer tokens required,
 * over a document store and data directory holding succeeded, failed, blocked and Enedis days.
 * Schemathesis, with every check it has and a fixed seed, finds nothing where the server and its
 * OpenAPI document disagree; and a TypeScript client generated from that document at test time
 * (openapi-typescript's types, openapi-fetch) type-checks, lists days, reads a day's metrics and
 * energies, and gets a typed problem for a bad date.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.js';
import { freePort } from '../../src/stack/ports.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { createStorage, type Storage } from '../../src/storage/index.js';
import { fuzzApi } from '../support/api-fuzz.js';
import { startCourantProcess, type CourantProcess } from '../support/courant-process.js';
import { BILLED_MONTH, ENEDIS_PRM, fillConsoleStore, STORED } from '../support/console-store.js';
import { cliEnv, testConfig } from '../support/test-stack.js';

const run = promisify(execFile);
const TOKEN = 'tok-contract-0123456789abcdef01234';
/** Repeatable: the same requests every run (the bench runs it unseeded). */
const SEED = 39_2026;
/**
 * About 500 requests over the 9 operations: the run is bounded by its cases, however long a slow
 * machine takes over them (within the test's deadline against a hang, vitest.config.ts).
 */
const MAX_EXAMPLES = 15;

let config: Config;
let storage: Storage;
let scratch: string;
let serve: CourantProcess;
let origin: string;

beforeAll(async () => {
  config = await testConfig();
  storage = await createStorage(config);
  scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-api-contract-'));
  await fillConsoleStore(storage, scratch);
  const port = await freePort();
  // The fuzzer sends hundreds of requests a minute: the rate limit is raised so that they reach the routes.
  serve = startCourantProcess(
    ['serve', '--address', `127.0.0.1:${port}`],
    { ...cliEnv(config), SERVE_TOKENS: TOKEN, SERVE_RATE_LIMIT: '100000', LOG_LEVEL: 'warn' },
    (output) => output.includes('courant console on'),
  );
  await serve.ready;
  origin = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await serve?.kill('SIGTERM');
  await storage?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
  if (config) await rm(config.storage.dataDir, { recursive: true, force: true });
});

describe('the OpenAPI document is the API', () => {
  it('Schemathesis, every check and phase, fixed seed: no finding', async () => {
    const result = await fuzzApi({ origin, token: TOKEN, maxExamples: MAX_EXAMPLES, seed: SEED });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/Test cases:\s+\d+ generated, \d+ passed/);
    expect(result.output).not.toMatch(/failures?|errors? in/i);
  });
});

describe('what the document allows is answered, and only that', () => {
  const get = (url: string) => fetch(`${origin}${url}`, { headers: { authorization: `Bearer ${TOKEN}` } });

  it('a limit is decimal digits, as the document\'s integer is written: 0x10, 1e1, +5 or " 5" are refused', async () => {
    for (const limit of ['0x10', '1e1', '+5', '%205', '5.0'])
      for (const route of [
        '/api/v1/days?from=2022-06-01&to=2022-06-03',
        '/api/v1/energies?from=2022-06-01&to=2022-06-03',
      ]) {
        const response = await get(`${route}&limit=${limit}`);
        expect(response.status, `${route} limit=${limit}`).toBe(400);
        expect(((await response.json()) as { detail: string }).detail).toMatch(/limit: must be a decimal integer/);
      }
    const page = await get('/api/v1/days?from=2022-06-01&to=2022-06-03&datasets=eco2mix&limit=2');
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ nextCursor: '2022-06-03' });
  });

  it('a range of any span is answered page by page: days by at most `limit` days, energies by rows', async () => {
    const days = await get('/api/v1/days?from=2022-06-01&to=2080-02-29&datasets=eco2mix&limit=1000');
    expect(days.status).toBe(200);
    const page = (await days.json()) as { items: Array<{ date: string; status: string }>; nextCursor: string | null };
    expect(page.items).toHaveLength(1000);
    expect(page.items[0]).toEqual({ dataset: 'eco2mix', date: '2022-06-01', status: 'succeeded' });
    expect(page.nextCursor).toBe('2025-02-25');
    const last = await get('/api/v1/days?from=2022-06-01&to=2080-02-29&datasets=eco2mix&limit=1000&cursor=2080-02-01');
    expect(await last.json()).toMatchObject({ nextCursor: null });

    const energies = await get(`/api/v1/energies?from=2022-06-01&to=2080-02-29&dataset=enedis&prm=${ENEDIS_PRM}`);
    expect(energies.status).toBe(200);
    const rows = ((await energies.json()) as { rows: Array<Record<string, unknown>> }).rows;
    expect(rows.find((row) => row.class === 'HCB')).toMatchObject({
      prm: ENEDIS_PRM,
      verdict: 'not computable',
      reason: 'no reading at the end of the period',
    });
  });

  it('every operation of the document declares the 414 of a URL longer than the server takes', async () => {
    const document = (await (await get('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ at: `${method} ${path}`, operation })),
    );
    expect(operations.length).toBeGreaterThan(5);
    for (const { at, operation } of operations)
      expect(Object.keys(operation.responses['414']?.content ?? {}), at).toEqual(['application/problem+json']);
  });
});

/** The calls a client writes against the generated types; type-checked by tsc, then run. */
const CALLS = `
import createClient from 'openapi-fetch';
import type { paths } from './api.js';

export type Api = ReturnType<typeof createClient<paths>>;

export function api(origin: string, token: string): Api {
  return createClient<paths>({ baseUrl: origin, headers: { authorization: \`Bearer \${token}\` } });
}

export async function statuses(client: Api, from: string, to: string): Promise<string[]> {
  const { data, error } = await client.GET('/api/v1/days', { params: { query: { from, to, datasets: 'eco2mix' } } });
  if (error) throw new Error(error.detail);
  return data.items.map((item) => \`\${item.date} \${item.status}\`);
}

export async function metricsOf(client: Api, date: string): Promise<Array<{ dataset: string; metrics: unknown }>> {
  const { data, error } = await client.GET('/api/v1/days/{date}/metrics', { params: { path: { date } } });
  if (error) throw new Error(error.detail);
  return data.metrics.map((m) => ({ dataset: m.dataset, metrics: m.metrics }));
}

export async function energies(client: Api, from: string, to: string, prm: string): Promise<Array<Record<string, unknown>>> {
  const { data, error } = await client.GET('/api/v1/energies', { params: { query: { from, to, prm } } });
  if (error) throw new Error(error.detail);
  return data.rows;
}

export async function billedPrms(client: Api, month: string, date: string): Promise<{ billed: string[]; inForce: string[] }> {
  const billing = await client.GET('/api/v1/billing', { params: { query: { month } } });
  if (billing.error) throw new Error(billing.error.detail);
  const perimeter = await client.GET('/api/v1/perimeter', { params: { query: { date } } });
  if (perimeter.error) throw new Error(perimeter.error.detail);
  return {
    billed: billing.data.contracts.map((c) => \`\${c.prm} \${c.days} \${c.turpeFixedEur ?? 'none'}\`),
    inForce: perimeter.data.prms.map((p) => \`\${p.prm} \${p.since}\`),
  };
}

/** The problem of a bad date, read through its generated type: no cast. */
export async function badDate(client: Api): Promise<{ status: number; type: string; detail: string }> {
  const { data, error, response } = await client.GET('/api/v1/days/{date}', { params: { path: { date: '2022-02-30' } } });
  if (data) throw new Error('a bad date was served');
  const problem: { type: string; title: string; status: number; detail: string } = error;
  return { status: response.status, type: problem.type, detail: problem.detail };
}
`;

interface Calls {
  api(origin: string, token: string): unknown;
  statuses(client: unknown, from: string, to: string): Promise<string[]>;
  metricsOf(client: unknown, date: string): Promise<Array<{ dataset: string; metrics: unknown }>>;
  energies(client: unknown, from: string, to: string, prm: string): Promise<Array<Record<string, unknown>>>;
  badDate(client: unknown): Promise<{ status: number; type: string; detail: string }>;
  billedPrms(client: unknown, month: string, date: string): Promise<{ billed: string[]; inForce: string[] }>;
}

describe('a client generated from the document', () => {
  it('type-checks, lists days, reads metrics, energies, billing and the périmètre, and gets a typed problem for a bad date', async () => {
    const document = await fetch(`${origin}/api/v1/openapi.json`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(document.status).toBe(200);
    // Inside the project, so that the client resolves openapi-fetch from its node_modules.
    await mkdir(path.join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
    const dir = await mkdtemp(path.join(PROJECT_ROOT, 'test-artifacts', 'api-client-'));
    try {
      await writeFile(path.join(dir, 'api.ts'), astToString(await openapiTS(await document.text())));
      await writeFile(path.join(dir, 'calls.ts'), CALLS);
      const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript-7', 'bin', 'tsc');
      await run(process.execPath, [
        tsc,
        '--ignoreConfig',
        '--noEmit',
        '--strict',
        '--noUncheckedIndexedAccess',
        '--target',
        'es2022',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--skipLibCheck',
        path.join(dir, 'calls.ts'),
      ]).catch((error: { stdout?: string }) => {
        throw new Error(`the generated client does not type-check:\n${error.stdout ?? ''}`, { cause: error });
      });

      const calls = (await import(pathToFileURL(path.join(dir, 'calls.ts')).href)) as Calls;
      const client = calls.api(origin, TOKEN);
      expect(await calls.statuses(client, STORED.succeeded, STORED.blocked)).toEqual([
        `${STORED.succeeded} succeeded`,
        `${STORED.failed} failed`,
        `${STORED.blocked} blocked`,
      ]);
      expect(await calls.metricsOf(client, STORED.succeeded)).toEqual([
        {
          dataset: 'eco2mix',
          metrics: { energyMWh: 1234.5, peakMW: 60_000, mix: { nuclear: 0.7, wind: 0.1 }, note: 'é ✓' },
        },
        { dataset: 'smartmeter', metrics: { meters: 3 } },
        { dataset: 'enedis', metrics: expect.objectContaining({ prms: 1 }) as unknown },
      ]);
      const rows = await calls.energies(client, '2022-06-01', '2022-06-03', ENEDIS_PRM);
      // Three days of 4 kWh off-peak (HCB) a day.
      expect(rows.find((row) => row.class === 'HCB')).toMatchObject({
        prm: ENEDIS_PRM,
        energy_kwh: 12,
        verdict: 'real',
      });
      // A 6 kVA BTINFCU4 in force from 2022-06-01: the rates files start on 2023-08-01, so no fixed part (no_rate).
      expect(await calls.billedPrms(client, BILLED_MONTH, '2022-06-15')).toEqual({
        billed: [`${ENEDIS_PRM} 30 none`],
        inForce: [`${ENEDIS_PRM} 2022-06-01`],
      });
      expect(await calls.badDate(client)).toEqual({
        status: 400,
        type: 'urn:courant:problem:invalid-parameter',
        detail: 'params/date: is not a calendar date',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
