/**
 * The billing API over a store holding Enedis days as the enedis transform writes them (flows the
 * test writes in the real layout) and the real document store: `/api/v1/perimeter` and
 * `/api/v1/billing` answer the JSON of `courant perimeter` and `courant billing` on the same store,
 * page by page; a month not billed yet is a 404 problem, and a GET never writes the month. The
 * month is billed by its workflow, on a worker of the suite's dev server, as `courant billing` asks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.js';
import { createStorage, type Storage } from '../../src/storage/index.js';
import { billingKeys } from '../../src/workflow-safe/keys.js';
import { putStoredDays, storeFlows } from '../support/billing-store.js';
import { rawGet, startConsole, type RunningConsole } from '../support/console-server.js';
import { c15Flow, r151Flow, type C15ContractEvent } from '../support/enedis-flows.js';
import { runCommandLine } from '../support/run-cli.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const scratch = useScratchDuckDb('courant-billing-api-');
const PRMS = ['99660599682031', '99660599682032', '99660599682033'];
let config: Config;
let storage: Storage;
let server: RunningConsole;
let harness: TestWorkerHarness;

const entry = (prm: string, at: string, kva: number): C15ContractEvent => ({
  prm,
  at,
  nature: 'MES',
  contract: `C-${prm.slice(-2)}`,
  kva,
  after: { HPH: 1000, HCH: 500, HPB: 0, HCB: 0 },
});

beforeAll(async () => {
  harness = await startTestWorker(await testConfig());
  config = harness.config;
  storage = await createStorage(config);
  const stored = await storeFlows(scratch, [
    c15Flow([
      entry(PRMS[0]!, '2024-03-01T00:00:00+01:00', 6),
      entry(PRMS[1]!, '2024-03-10T00:00:00+01:00', 9),
      entry(PRMS[2]!, '2024-03-20T00:00:00+01:00', 12),
    ]),
    r151Flow(PRMS.map((prm) => ({ prm, date: '2024-03-31', wh: { HPH: 1_100_000, HCH: 550_000, HPB: 0, HCB: 0 } }))),
  ]);
  await putStoredDays(storage, stored);
  server = await startConsole({ config, records: storage.records, objects: storage.objects, tokens: null });
});

afterAll(async () => {
  await server?.close();
  await storage?.close();
  await harness?.close();
});

async function cliJson(args: readonly string[]): Promise<unknown> {
  const run = await runCommandLine([...args, '--format', 'json'], cliEnv(config));
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

async function getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await rawGet(server.origin, path);
  return { status: response.status, body: JSON.parse(response.body) as Record<string, unknown> };
}

describe('/api/v1/perimeter', () => {
  it("answers `courant perimeter`'s JSON, and pages chain to the whole list", async () => {
    const cli = (await cliJson(['perimeter', '--date', '2024-03-15'])) as { date: string; prms: unknown[] };
    expect(cli.prms).toHaveLength(2);
    expect(await getJson('/api/v1/perimeter?date=2024-03-15')).toEqual({
      status: 200,
      body: { ...cli, nextCursor: null },
    });
    const first = await getJson('/api/v1/perimeter?date=2024-03-15&limit=1');
    expect(first.body).toMatchObject({ date: '2024-03-15', prms: [cli.prms[0]] });
    const cursor = first.body.nextCursor;
    expect(cursor).toMatch(/^[0-9a-f]{16}\.1$/);
    const second = await getJson(`/api/v1/perimeter?date=2024-03-15&limit=1&cursor=${String(cursor)}`);
    expect(second.body).toEqual({ date: '2024-03-15', prms: [cli.prms[1]], nextCursor: null });
  });

  it('pages a listing from one read: a day landing meanwhile shows in the next listing, not in its pages', async () => {
    const before = (await cliJson(['perimeter', '--date', '2024-04-15'])) as { prms: Array<{ prm: string }> };
    expect(before.prms.map((r) => r.prm)).toEqual(PRMS);
    const first = await getJson('/api/v1/perimeter?date=2024-04-15&limit=2');
    expect(first.body.prms).toEqual(before.prms.slice(0, 2));
    // A contract ordered before every other enters: an offset read anew would repeat the second row.
    const newcomer = '99660599682030';
    await putStoredDays(
      storage,
      await storeFlows(scratch, [c15Flow([entry(newcomer, '2024-04-10T00:00:00+02:00', 6)])]),
    );
    const after = (await cliJson(['perimeter', '--date', '2024-04-15'])) as { prms: Array<{ prm: string }> };
    expect(after.prms.map((r) => r.prm)).toEqual([newcomer, ...PRMS]);

    const rest = await getJson(`/api/v1/perimeter?date=2024-04-15&limit=2&cursor=${String(first.body.nextCursor)}`);
    expect(rest.body).toEqual({ date: '2024-04-15', prms: before.prms.slice(2), nextCursor: null });
    expect((await getJson('/api/v1/perimeter?date=2024-04-15')).body.prms).toEqual(after.prms);
    // An offset alone starts a new listing there, from the days as they are now.
    expect((await getJson('/api/v1/perimeter?date=2024-04-15&cursor=2')).body.prms).toEqual(after.prms.slice(2));
    // A cursor of another date starts a new listing too.
    const other = await getJson(`/api/v1/perimeter?date=2024-03-15&cursor=${String(first.body.nextCursor)}`);
    expect(other.body).toMatchObject({ date: '2024-03-15', nextCursor: null });
  });

  it('refuses a date that is not a calendar day, as a problem', async () => {
    const response = await rawGet(server.origin, '/api/v1/perimeter?date=2024-02-30');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });
});

describe('/api/v1/billing', () => {
  it('is a 404 problem until the month is billed, and the GET writes nothing', async () => {
    const response = await rawGet(server.origin, '/api/v1/billing?month=2024-03');
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({
      type: 'urn:courant:problem:billing-not-computed',
      detail: '2024-03 is not billed yet',
    });
    expect(await storage.objects.list('billing')).toEqual([]);
  });

  it("answers `courant billing`'s JSON once billed, by PRM and page by page", async () => {
    const cli = (await cliJson(['billing', '--month', '2024-03'])) as {
      month: string;
      totals: unknown;
      contracts: unknown[];
    };
    expect(cli.contracts).toHaveLength(3);
    // The month, its version, and the events fold of February (an entry at 1 March 00:00 closes 29 February).
    const keys = (await storage.objects.list('billing')).map((o) => o.key).sort();
    expect(keys.filter((key) => !key.startsWith('billing/events/'))).toEqual(
      [billingKeys.month('2024-03'), billingKeys.monthVersion('2024-03', 1)].sort(),
    );
    expect(keys.filter((key) => key.startsWith('billing/events/month=2024-02/'))).toHaveLength(1);
    expect(await getJson('/api/v1/billing?month=2024-03')).toEqual({
      status: 200,
      body: { ...cli, version: 1, pending: null, nextCursor: null },
    });
    expect((await getJson(`/api/v1/billing?month=2024-03&prm=${PRMS[1]}`)).body).toEqual({
      month: '2024-03',
      totals: cli.totals,
      contracts: [cli.contracts[1]],
      version: 1,
      pending: null,
      nextCursor: null,
    });
    const pages: unknown[] = [];
    let cursor: unknown = '';
    while (typeof cursor === 'string') {
      const page = await getJson(`/api/v1/billing?month=2024-03&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(...(page.body.contracts as unknown[]));
      cursor = page.body.nextCursor;
    }
    expect(pages).toEqual(cli.contracts);
    // Pages are taken by the rows' places in the month's file: that order is the (PRM, contract) one.
    const order = (pages as Array<{ prm: string; contract: string | null }>).map((c) => `${c.prm} ${c.contract ?? ''}`);
    expect(order.length).toBeGreaterThan(2);
    expect(order).toEqual([...order].sort());
  });

  it('refuses a month that is not YYYY-MM, as a problem', async () => {
    const response = await rawGet(server.origin, '/api/v1/billing?month=2024-13');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ type: 'urn:courant:problem:invalid-parameter' });
  });
});
