import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eco2mixExportUrl } from '../../src/datasets/eco2mix/sources.js';
import { apiRecordsToExportCsv, loadSampleDay, loadSampleRecords } from '../support/eco2mix-fixtures.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { useEco2mixReader } from '../support/eco2mix-read.js';

const eco2mix = useEco2mixReader('courant-eco2mix-odre-server-');

const TR = 'eco2mix-national-tr';

/** The body as sent, BOM included (`Response.text()` drops a BOM). */
async function bodyText(response: Response): Promise<string> {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
}
const CD = 'eco2mix-national-cons-def';

describe('the ODRÉ stand-in server', () => {
  let server: OdreServer;
  const day = loadSampleDay();

  beforeAll(async () => {
    server = await startOdreServer({ [TR]: day.realtimeCsv, [CD]: day.consolidatedCsv });
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves only the rows of the Paris day asked for, header first, as UTF-8 CSV with a BOM', async () => {
    const response = await fetch(eco2mixExportUrl(server.baseUrl, TR, '2025-08-22'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const result = await eco2mix.read(bytes, { file: 'tr.csv', source: 'realtime' });
    expect(result.records).toHaveLength(88);
    expect(result.records[0]?.instant).toBe('2025-08-22T00:00:00.000Z');
    expect(result.records.at(-1)?.instant).toBe('2025-08-22T21:45:00.000Z');
  });

  it('serves the 8 rows of the next Paris day, and a header alone for a day without rows', async () => {
    const next = await (await fetch(eco2mixExportUrl(server.baseUrl, TR, '2025-08-23'))).text();
    expect((await eco2mix.read(next, { file: 'x', source: 'realtime' })).records.map((r) => r.instant)).toEqual([
      '2025-08-22T22:00:00.000Z',
      '2025-08-22T22:15:00.000Z',
      '2025-08-22T22:30:00.000Z',
      '2025-08-22T22:45:00.000Z',
      '2025-08-22T23:00:00.000Z',
      '2025-08-22T23:15:00.000Z',
      '2025-08-22T23:30:00.000Z',
      '2025-08-22T23:45:00.000Z',
    ]);
    const empty = await bodyText(await fetch(eco2mixExportUrl(server.baseUrl, TR, '2024-01-01')));
    expect(empty.split('\r\n').filter((line) => line !== '')).toHaveLength(1);
    expect(empty.startsWith('\uFEFFperimetre;nature;')).toBe(true);
  });

  it('records each request with its dataset and where clause', async () => {
    const before = server.requests.length;
    const url = eco2mixExportUrl(server.baseUrl, CD, '2025-08-22');
    await (await fetch(url)).text();
    expect(server.requests.slice(before)).toEqual([
      {
        datasetId: CD,
        where: "date_heure >= '2025-08-21T22:00:00Z' AND date_heure < '2025-08-22T22:00:00Z'",
        url: url.slice(server.baseUrl.length),
      },
    ]);
  });

  it('answers 404 with a JSON error for an unknown dataset', async () => {
    const response = await fetch(eco2mixExportUrl(server.baseUrl, 'eco2mix-nope', '2025-08-22'));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { error_code?: unknown; message?: unknown };
    expect(typeof body.error_code).toBe('string');
    expect(body.message).toMatch(/eco2mix-nope/);
  });

  it('answers 400 with {error_code, message} for a where clause it cannot read', async () => {
    const url = `${server.baseUrl}/api/explore/v2.1/catalog/datasets/${TR}/exports/csv?where=${encodeURIComponent("date_heure >> 'x'")}`;
    const response = await fetch(url);
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['error_code', 'message']);
  });

  it('serves queued failures first, in order, then the data again', async () => {
    server.failNext(TR, [
      { status: 503, body: 'busy' },
      { status: 200, body: '<html><body>maintenance</body></html>', contentType: 'text/html' },
    ]);
    const url = eco2mixExportUrl(server.baseUrl, TR, '2025-08-22');
    const first = await fetch(url);
    expect([first.status, await first.text()]).toEqual([503, 'busy']);
    const second = await fetch(url);
    expect([second.status, second.headers.get('content-type'), await second.text()]).toEqual([
      200,
      'text/html',
      '<html><body>maintenance</body></html>',
    ]);
    const third = await fetch(url);
    expect(third.status).toBe(200);
    expect((await eco2mix.read(await third.text(), { file: 'x', source: 'realtime' })).records).toHaveLength(88);
  });

  it("keeps a dataset's queued failures away from other datasets", async () => {
    server.failNext(CD, [{ status: 500 }]);
    expect((await fetch(eco2mixExportUrl(server.baseUrl, TR, '2025-08-22'))).status).toBe(200);
    expect((await fetch(eco2mixExportUrl(server.baseUrl, CD, '2025-08-22'))).status).toBe(500);
    expect((await fetch(eco2mixExportUrl(server.baseUrl, CD, '2025-08-22'))).status).toBe(200);
  });
});

describe('the ODRÉ stand-in server with data set by the test', () => {
  let server: OdreServer;

  beforeAll(async () => {
    server = await startOdreServer({});
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves data set after start, ordered by date_heure when asked, without BOM when asked', async () => {
    const unordered = apiRecordsToExportCsv(loadSampleRecords(), { ordered: false, bom: false });
    server.setData(TR, unordered);
    const url = `${eco2mixExportUrl(server.baseUrl, TR, '2025-08-22')}&with_bom=false`;
    const text = await bodyText(await fetch(url));
    expect(text.startsWith('perimetre;')).toBe(true);
    const instants = text
      .split('\r\n')
      .slice(1, -1)
      .map((line) => line.split(';')[4] ?? '');
    expect(instants).toHaveLength(88);
    expect([...instants].sort()).toEqual(instants);
  });

  it('serves every row when no where clause is given, bad rows included', async () => {
    server.setData(TR, 'date_heure;consommation\r\n2025-08-22T00:00:00+00:00;1\r\nnot a date;2\r\n');
    const response = await fetch(`${server.baseUrl}/api/explore/v2.1/catalog/datasets/${TR}/exports/csv`);
    expect(await bodyText(response)).toBe(
      '\uFEFFdate_heure;consommation\r\n2025-08-22T00:00:00+00:00;1\r\nnot a date;2\r\n',
    );
    expect(server.requests.at(-1)?.where).toBeNull();
  });
});
