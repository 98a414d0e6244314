/**
 * The read API over the real document store: answers equal the stored records and metrics field
 * for field, pages chain by cursor to the whole range, the OpenAPI document lists every route, and
 * a record store that goes away answers 503 naming it, then the console recovers on its own.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Config } from '../../src/config/index.js';
import { createStorage, type Storage } from '../../src/storage/index.js';
import { MongoRecordStore } from '../../src/storage/mongo-record-store.js';
import { blockedRun, failedRun, succeededRun } from '../support/console-days.js';
import { rawGet, startConsole, type RunningConsole } from '../support/console-server.js';
import { uniqueName } from '../support/names.js';
import { testConfig } from '../support/test-stack.js';

let config: Config;
let storage: Storage;
let server: RunningConsole;

beforeAll(async () => {
  config = await testConfig();
  storage = await createStorage(config);
  await storage.records.upsertDayRun(succeededRun('eco2mix', '2022-06-01'));
  await storage.records.upsertDayRun(succeededRun('smartmeter', '2022-06-01'));
  await storage.records.upsertDayRun(
    failedRun('eco2mix', '2022-06-02', { type: 'BadData', message: 'realtime.csv line 3 column Consommation: "abc"' }),
  );
  await storage.records.upsertDayRun(blockedRun('eco2mix', '2022-06-03'));
  await storage.records.upsertMetrics({
    dataset: 'eco2mix',
    date: '2022-06-01',
    metrics: { energyMWh: 1234.5, peakMW: 60_000, mix: { nuclear: 0.7, wind: 0.1 }, note: 'é ✓' },
  });
  await storage.records.upsertMetrics({ dataset: 'smartmeter', date: '2022-06-01', metrics: { meters: 3 } });
  server = await startConsole({
    config,
    records: storage.records,
    objects: storage.objects,
    tokens: null,
    now: () => new Date('2022-06-10T12:00:00Z'),
  });
});

afterAll(async () => {
  await server?.close();
  await storage?.close();
});

describe('answers are the stored documents', () => {
  it("a dataset's metrics are the stored metrics document, byte for byte", async () => {
    const response = await rawGet(server.origin, '/api/v1/days/2022-06-01/metrics/eco2mix');
    expect(response.status).toBe(200);
    expect(response.body).toBe(JSON.stringify(await storage.records.getMetrics('eco2mix', '2022-06-01')));
  });

  it("a day's metrics and records are the stored ones, byte for byte", async () => {
    const metrics = await rawGet(server.origin, '/api/v1/days/2022-06-01/metrics');
    const stored = await Promise.all(['eco2mix', 'smartmeter'].map((d) => storage.records.getMetrics(d, '2022-06-01')));
    expect(metrics.body).toBe(JSON.stringify({ date: '2022-06-01', metrics: stored }));
    const records = await rawGet(server.origin, '/api/v1/days/2022-06-03');
    const runs = await storage.records.listDayRuns({ from: '2022-06-03', to: '2022-06-03' });
    expect(records.body).toBe(JSON.stringify({ date: '2022-06-03', records: runs }));
  });

  it('quality results are the checks of the day records', async () => {
    const response = await rawGet(server.origin, '/api/v1/days/2022-06-03/quality');
    const run = await storage.records.getDayRun('eco2mix', '2022-06-03');
    expect(response.body).toBe(
      JSON.stringify({ date: '2022-06-03', datasets: [{ dataset: 'eco2mix', status: 'failed', checks: run?.checks }] }),
    );
  });

  it('metrics of a day without them are a 404 problem', async () => {
    const response = await rawGet(server.origin, '/api/v1/days/2022-06-02/metrics/eco2mix');
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ status: 404, detail: 'no metrics of eco2mix on 2022-06-02' });
  });
});

describe('day statuses', () => {
  it('every (dataset, day) is there, blocked and late told apart from failed and missing', async () => {
    const response = await rawGet(server.origin, '/api/v1/days?from=2022-06-01&to=2022-06-04&datasets=eco2mix');
    const body = JSON.parse(response.body) as { items: Array<{ date: string; status: string }>; nextCursor: null };
    expect(body.items.map((i) => `${i.date} ${i.status}`)).toEqual([
      '2022-06-01 succeeded',
      '2022-06-02 failed',
      '2022-06-03 blocked',
      '2022-06-04 late',
    ]);
    expect(body.nextCursor).toBeNull();
  });

  it('pages chained by their cursors give the whole range, once', async () => {
    const whole = JSON.parse((await rawGet(server.origin, '/api/v1/days?from=2022-05-20&to=2022-06-09')).body) as {
      items: unknown[];
    };
    const items: unknown[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/v1/days?from=2022-05-20&to=2022-06-09&limit=4${cursor ? `&cursor=${cursor}` : ''}`;
      const page = JSON.parse((await rawGet(server.origin, query)).body) as {
        items: unknown[];
        nextCursor: string | null;
      };
      items.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(6);
    expect(items).toEqual(whole.items);
  });

  it('a cursor is the day its page starts at: before the range it starts at from, past it the page is empty', async () => {
    const page = async (cursor: string) =>
      JSON.parse((await rawGet(server.origin, `/api/v1/days?from=2022-06-02&to=2022-06-03&cursor=${cursor}`)).body) as {
        items: Array<{ date: string }>;
        nextCursor: string | null;
      };
    expect((await page('2022-06-03')).items.map((i) => i.date)).toEqual(['2022-06-03']);
    expect((await page('2021-01-01')).items.map((i) => i.date)).toEqual(['2022-06-02', '2022-06-03']);
    expect(await page('2022-06-04')).toMatchObject({ items: [], nextCursor: null });
  });
});

describe('OpenAPI', () => {
  it('is generated from the route schemas: every API route, its parameters and answers', async () => {
    const doc = JSON.parse((await rawGet(server.origin, '/api/v1/openapi.json')).body) as {
      openapi: string;
      paths: Record<string, { get: { parameters?: Array<{ name: string }>; responses: Record<string, unknown> } }>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/billing',
      '/api/v1/billing/changes',
      '/api/v1/days',
      '/api/v1/days/{date}',
      '/api/v1/days/{date}/metrics',
      '/api/v1/days/{date}/metrics/{dataset}',
      '/api/v1/days/{date}/quality',
      '/api/v1/energies',
      '/api/v1/health',
      '/api/v1/perimeter',
    ]);
    expect(doc.paths['/api/v1/billing']?.get.parameters?.map((p) => p.name).sort()).toEqual([
      'cursor',
      'limit',
      'month',
      'prm',
    ]);
    expect(doc.paths['/api/v1/billing/changes']?.get.parameters?.map((p) => p.name).sort()).toEqual([
      'cursor',
      'limit',
      'month',
      'since',
    ]);
    expect(doc.paths['/api/v1/days']?.get.parameters?.map((p) => p.name).sort()).toEqual([
      'cursor',
      'datasets',
      'from',
      'limit',
      'to',
    ]);
    expect(Object.keys(doc.paths['/api/v1/days/{date}/metrics/{dataset}']?.get.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '404', '503']),
    );
  });
});

/** A loopback TCP proxy to the document store that can be taken down and brought back on the same port. */
async function startSwitchableProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const up = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream);
        upstream.pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (server) server.close(() => resolve());
      else resolve();
      server = null;
    });
  await up();
  return { port: () => port, up, down };
}

describe('storage down for a moment', () => {
  it('answers 503 naming the document store, then serves again once it is back', async () => {
    const mongo = new URL(inject('mongodbUrl'));
    const proxy = await startSwitchableProxy({ host: mongo.hostname, port: Number(mongo.port) });
    const url = new URL(mongo);
    url.host = `127.0.0.1:${proxy.port()}`;
    url.pathname = `/${uniqueName('down')}`;
    const records = await MongoRecordStore.connect(url.toString(), '');
    await records.upsertDayRun(succeededRun('eco2mix', '2022-06-01'));
    const console = await startConsole({ config, records, objects: storage.objects, tokens: null });
    try {
      expect((await rawGet(console.origin, '/api/v1/days/2022-06-01')).status).toBe(200);
      await proxy.down();
      const down = await rawGet(console.origin, '/api/v1/days/2022-06-01');
      expect(down.status).toBe(503);
      const problem = JSON.parse(down.body) as { status: number; type: string; detail: string };
      expect(problem).toMatchObject({ status: 503, type: 'urn:courant:problem:storage-unavailable' });
      expect(problem.detail).toMatch(
        /^cannot reach the document store at mongodb:\/\/127\.0\.0\.1:\d+\/down.* \(MONGODB_URL\): retry shortly$/,
      );
      expect((await rawGet(console.origin, '/api/v1/health')).status).toBe(200);
      const page = await rawGet(console.origin, '/days/2022-06-01');
      expect(page.status).toBe(503);
      await proxy.up();
      const back = await rawGet(console.origin, '/api/v1/days/2022-06-01');
      expect(back.status).toBe(200);
      expect(JSON.parse(back.body)).toMatchObject({ records: [{ dataset: 'eco2mix', status: 'succeeded' }] });
    } finally {
      await console.close();
      await records.close();
      await proxy.down();
    }
  });
});
