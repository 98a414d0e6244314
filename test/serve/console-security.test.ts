/**
 * The console, safe to expose: real requests to a listening server over the real document store.
 * Bad input of every kind (traversal in each parameter, unknown datasets, bad and out-of-range
 * dates, backwards ranges, missing, wrong and misplaced tokens, long URLs, floods, undeclared
 * methods, undecodable paths, oversized request lines and headers) gets a JSON problem with a
 * one-line reason, no stack and the security headers, whatever layer refuses it, and the server
 * keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.js';
import { TOOLTIP_SCRIPT_SOURCE } from '../../src/reports/html/tooltip.js';
import { createStorage, type Storage } from '../../src/storage/index.js';
import { blockedRun, failedRun, succeededRun } from '../support/console-days.js';
import { rawGet, rawRequest, startConsole, type RawResponse, type RunningConsole } from '../support/console-server.js';
import { testConfig } from '../support/test-stack.js';

const TOKEN_A = 'tok-a-0123456789abcdef0123456789';
const TOKEN_B = 'tok-b-fedcba9876543210fedcba9876';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let config: Config;
let storage: Storage;
let secured: RunningConsole;

beforeAll(async () => {
  config = await testConfig({ TEMPORAL_UI_URL: 'http://127.0.0.1:8233' });
  storage = await createStorage(config);
  await storage.records.upsertDayRun(succeededRun('eco2mix', '2022-06-01'));
  await storage.records.upsertDayRun(
    failedRun('eco2mix', '2022-06-02', { type: 'BadData', message: 'realtime.csv line 3 column Consommation: "abc"' }),
  );
  await storage.records.upsertDayRun(blockedRun('eco2mix', '2022-06-03'));
  await storage.records.upsertMetrics({
    dataset: 'eco2mix',
    date: '2022-06-01',
    metrics: { energyMWh: 1234.5, peakMW: 60_000 },
  });
  secured = await startConsole({
    config,
    records: storage.records,
    objects: storage.objects,
    tokens: [TOKEN_A, TOKEN_B],
  });
});

afterAll(async () => {
  await secured?.close();
  await storage?.close();
});

/** The security headers every answer carries, refusals included. */
function expectSecurityHeaders(response: RawResponse): void {
  expect(String(response.headers['content-security-policy'])).toContain("default-src 'none'");
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['x-frame-options']).toBe('DENY');
  expect(response.headers['referrer-policy']).toBe('no-referrer');
}

/** A 4xx JSON problem with a one-line reason, no stack trace and the security headers. */
function expectProblem(response: RawResponse, status: number, reason: RegExp): void {
  expect(response.status, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expectSecurityHeaders(response);
  const body = JSON.parse(response.body) as { status: number; detail: string; title: string; type: string };
  expect(body.status).toBe(status);
  expect(body.detail).toMatch(reason);
  expect(body.detail).not.toContain('\n');
  expect(response.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
  expect(response.body).not.toContain('stack');
}

async function stillServing(): Promise<void> {
  const health = await rawGet(secured.origin, '/api/v1/health', bearer(TOKEN_B));
  expect(health.status).toBe(200);
}

describe('path traversal', () => {
  const cases: Array<[string, RegExp]> = [
    ['/days/..%2F..%2Fetc%2Fpasswd', /date/],
    ['/days/%2e%2e', /date/],
    ['/days/%2Fetc%2Fpasswd', /date/],
    ['/days/..', /date/],
    ['/reports/dt=..%2F..%2Fsecret/daily_report.html', /date/],
    ['/reports/dt=%2e%2e/daily_report.html', /date/],
    ['/reports/month=../monthly_report.html', /month/],
    ['/reports/year=%2Fetc/annual_report.html', /year/],
    ['/api/v1/days/..%2F..%2Fetc/metrics', /date/],
    ['/api/v1/days/2022-06-01/metrics/..%2F..%2Fetc', /must be one of/],
    ['/api/v1/days/2022-06-01/metrics/%2Fetc%2Fpasswd', /must be one of/],
    ['/api/v1/days?from=../../etc&to=2022-06-01', /from: must be a date/],
    ['/api/v1/days?from=2022-06-01&to=%2e%2e%2f%2e%2e', /to: must be a date/],
    ['/api/v1/days?from=2022-06-01&to=2022-06-02&datasets=../../etc', /must be one of/],
    ['/api/v1/days?from=2022-06-01&to=2022-06-02&cursor=..%2F..', /cursor/],
    ['/api/v1/energies?from=2022-06-01&to=2022-06-02&prm=../../etc/passwd', /prm/],
    ['/api/v1/energies?dataset=..%2Fenedis&from=2022-06-01&to=2022-06-02', /dataset/],
    ['/?from=/etc/passwd', /from: must be a date/],
  ];
  it.each(cases)('%s is refused with a 400', async (path, reason) => {
    expectProblem(await rawGet(secured.origin, path, bearer(TOKEN_A)), 400, reason);
    await stillServing();
  });

  it('a path outside every route is a 404 problem, never a file', async () => {
    const response = await rawGet(secured.origin, '/reports/..%2F..%2F..%2Fetc%2Fpasswd', bearer(TOKEN_A));
    expectProblem(response, 404, /no page or API/);
    expect(response.body).not.toContain('root:');
  });
});

describe('datasets, dates and ranges', () => {
  it('an unknown dataset is a 400 naming the known ones', async () => {
    expectProblem(
      await rawGet(secured.origin, '/api/v1/days/2022-06-01/metrics/nope', bearer(TOKEN_A)),
      400,
      /eco2mix/,
    );
    expectProblem(await rawGet(secured.origin, '/?datasets=eco2mix,nope', bearer(TOKEN_A)), 400, /must be one of/);
  });

  it.each([
    ['/days/2022-13-01', /not a calendar date/],
    ['/days/2022-02-30', /not a calendar date/],
    ['/days/22-06-01', /YYYY-MM-DD/],
    ['/days/1999-06-01', /out of range/],
    ['/api/v1/days?from=2022-06-01&to=2150-01-01', /out of range/],
    ['/api/v1/days/2022-06-01T00:00/metrics', /YYYY-MM-DD/],
  ])('%s is a 400', async (path, reason) => {
    expectProblem(await rawGet(secured.origin, path, bearer(TOKEN_A)), 400, reason);
  });

  it('a backwards range is answered empty by the API and refused by a page; a page range beyond 12 years a 400 saying the bound', async () => {
    const backwards = await rawGet(secured.origin, '/api/v1/days?from=2022-06-02&to=2022-06-01', bearer(TOKEN_A));
    expect(backwards.status).toBe(200);
    expect(JSON.parse(backwards.body)).toMatchObject({ items: [], nextCursor: null });
    const energies = await rawGet(
      secured.origin,
      '/api/v1/energies?from=2022-06-02&to=2022-06-01&dataset=enedis',
      bearer(TOKEN_A),
    );
    expect(energies.status).toBe(200);
    expect(JSON.parse(energies.body)).toMatchObject({ rows: [], nextCursor: null });
    expectProblem(await rawGet(secured.origin, '/?from=2022-06-02&to=2022-06-01', bearer(TOKEN_A)), 400, /before from/);
    expectProblem(await rawGet(secured.origin, '/?from=2012-01-01&to=2026-01-01', bearer(TOKEN_A)), 400, /at most/);
  });
});

describe('tokens', () => {
  it('a request without a token is a 401 asking for a bearer token', async () => {
    const response = await rawGet(secured.origin, '/api/v1/days/2022-06-01');
    expectProblem(response, 401, /Authorization: Bearer token is required/);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="courant"');
  });

  it('a wrong token is a 401, a known one is served', async () => {
    expectProblem(
      await rawGet(secured.origin, '/', bearer('tok-x-0123456789abcdef0123456789')),
      401,
      /not one this server accepts/,
    );
    expectProblem(await rawGet(secured.origin, '/', { authorization: `Basic ${TOKEN_A}` }), 401, /not one/);
    expect((await rawGet(secured.origin, '/', bearer(TOKEN_A))).status).toBe(200);
    expect((await rawGet(secured.origin, '/', bearer(TOKEN_B))).status).toBe(200);
  });

  it('a token in the query string is refused, even a valid one, and never logged', async () => {
    expectProblem(await rawGet(secured.origin, `/api/v1/health?token=${TOKEN_A}`), 400, /Authorization: Bearer header/);
    expectProblem(
      await rawGet(secured.origin, `/api/v1/health?access_token=${TOKEN_A}`, bearer(TOKEN_A)),
      400,
      /"access_token" in the URL/,
    );
    await rawGet(secured.origin, '/api/v1/health', bearer(TOKEN_A));
    expect(secured.logs.length).toBeGreaterThan(0);
    const logs = secured.logs.join('');
    expect(logs).not.toContain(TOKEN_A);
    expect(logs).not.toContain(TOKEN_B);
  });

  it('without tokens (loopback) every request is served, a token in the URL still refused', async () => {
    const open = await startConsole({ config, records: storage.records, objects: storage.objects, tokens: null });
    try {
      expect((await rawGet(open.origin, '/api/v1/days/2022-06-01')).status).toBe(200);
      expectProblem(await rawGet(open.origin, '/?token=abc'), 400, /in the URL/);
    } finally {
      await open.close();
    }
  });
});

describe('long URLs and floods', () => {
  it('a very long URL is a 414, and the server keeps serving', async () => {
    const path = `/api/v1/days?from=2022-06-01&to=2022-06-02&datasets=${'eco2mix,'.repeat(600)}eco2mix`;
    expectProblem(await rawGet(secured.origin, path, bearer(TOKEN_A)), 414, /longer than 2048/);
    const longParam = `/days/${'9'.repeat(300)}`;
    const tooLong = await rawGet(secured.origin, longParam, bearer(TOKEN_A));
    expect(tooLong.status).toBeGreaterThanOrEqual(400);
    expect(tooLong.status).toBeLessThan(500);
    await stillServing();
  });

  it('a flood from one client is rate limited (429) while another client is still served', async () => {
    const limited = await startConsole({
      config,
      records: storage.records,
      objects: storage.objects,
      tokens: [TOKEN_A, TOKEN_B],
      rateLimit: { max: 20, windowMs: 600_000 },
    });
    try {
      const flood = await Promise.all(
        Array.from({ length: 40 }, () => rawGet(limited.origin, '/api/v1/health', bearer(TOKEN_A))),
      );
      const statuses = flood.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(20);
      expect(statuses.filter((s) => s === 429)).toHaveLength(20);
      const refused = flood.find((r) => r.status === 429) as RawResponse;
      expectProblem(refused, 429, /more than 20 requests/);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await rawGet(limited.origin, '/api/v1/health', bearer(TOKEN_B))).status).toBe(200);
      const anonymous = await Promise.all(Array.from({ length: 25 }, () => rawGet(limited.origin, '/api/v1/health')));
      expect(anonymous.map((r) => r.status)).toContain(429);
    } finally {
      await limited.close();
    }
  });
});

describe('refusals made below the routes', () => {
  it.each(['TRACE', 'QUERY', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS'])(
    '%s on a route is a 405 naming the methods it answers',
    async (method) => {
      const response = await rawRequest(secured.origin, method, '/api/v1/days/2022-06-01', bearer(TOKEN_A));
      expectProblem(response, 405, new RegExp(`${method} is not answered here`));
      expect(response.headers.allow).toBe('GET, HEAD');
    },
  );

  it('a method on a path no route answers is a 404, and without a token a 401', async () => {
    expectProblem(await rawRequest(secured.origin, 'TRACE', '/api/v1/nowhere', bearer(TOKEN_A)), 404, /no page or API/);
    expectProblem(await rawRequest(secured.origin, 'GET', '/api/v1/nowhere'), 401, /token is required/);
  });

  it('a method HTTP does not know is a 501', async () => {
    expectProblem(await rawRequest(secured.origin, 'FOO', '/api/v1/health', bearer(TOKEN_A)), 501, /method/);
    await stillServing();
  });

  it('a path of overlong UTF-8 is a 400, not the router’s own error', async () => {
    const response = await rawGet(secured.origin, '/api/v1/days/%C0%AE%C0%AE', bearer(TOKEN_A));
    expectProblem(response, 400, /not valid percent-encoded UTF-8/);
    expect(response.body).not.toContain('FST_ERR');
  });

  it('a 100 KB query string is a 414, refused by the HTTP parser in the same format', async () => {
    const path = `/api/v1/days?from=2022-06-01&to=2022-06-02&datasets=${'eco2mix,'.repeat(12_500)}eco2mix`;
    expectProblem(await rawGet(secured.origin, path, bearer(TOKEN_A)), 414, /longer than 2048/);
    await stillServing();
  });

  it('a 20 KB header is a 431 in the same format', async () => {
    const response = await rawGet(secured.origin, '/api/v1/health', {
      ...bearer(TOKEN_A),
      'x-padding': 'x'.repeat(20_000),
    });
    expectProblem(response, 431, /headers are larger than 16 KiB/);
    await stillServing();
  });

  it('a request without a Host header, or with an empty one, is a 400 in the same format', async () => {
    const missing = await rawRequest(secured.origin, 'GET', '/api/v1/health', bearer(TOKEN_A), { setHost: false });
    expectProblem(missing, 400, /Host header/);
    const empty = await rawRequest(
      secured.origin,
      'GET',
      '/api/v1/health',
      { ...bearer(TOKEN_A), host: '' },
      { setHost: false },
    );
    expectProblem(empty, 400, /Host header/);
    await stillServing();
  });

  it('a 414 carries the rate-limit headers, as every answer the rate limit counts', async () => {
    const response = await rawGet(secured.origin, `/api/v1/health?pad=${'x'.repeat(3000)}`, bearer(TOKEN_A));
    expectProblem(response, 414, /longer than 2048/);
    expect(response.headers['x-ratelimit-limit']).toBe('600');
    expect(Number(response.headers['x-ratelimit-remaining'])).toBeGreaterThanOrEqual(0);
  });

  it('the bearer scheme is matched whatever its case', async () => {
    for (const scheme of ['bearer', 'BEARER', 'bEaReR'])
      expect((await rawGet(secured.origin, '/api/v1/health', { authorization: `${scheme} ${TOKEN_A}` })).status).toBe(
        200,
      );
    expectProblem(
      await rawGet(secured.origin, '/api/v1/health', { authorization: `bearer ${TOKEN_A.toUpperCase()}` }),
      401,
      /not one this server accepts/,
    );
  });
});

describe('headers', () => {
  it('pages carry a CSP with no external source and no script but the tooltip one, nosniff and frame-ancestors none', async () => {
    const response = await rawGet(secured.origin, '/days/2022-06-02', bearer(TOKEN_A));
    expect(response.status).toBe(200);
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`script-src ${TOOLTIP_SCRIPT_SOURCE}`);
    expect(csp).not.toMatch(/https?:|\*|'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.body).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!127\.0\.0\.1:8233)/);
  });
});
