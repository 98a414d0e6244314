/**
 * A source body past `MAX_SOURCE_BODY_BYTES` is refused as bad data, named by its URL, as soon as
 * it passes the bound: announced by its length, or streamed without one. A loopback server sends it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchSource, MAX_SOURCE_BODY_BYTES } from '../../src/activities/http-source.js';
import { WAIT_DEADLINE_MS } from '../support/deadlines.js';

let server: Server;
let base: string;
const block = Buffer.alloc(1024 * 1024, 'x');

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/announced') {
      response.writeHead(200, { 'content-length': String(MAX_SOURCE_BODY_BYTES + 1) });
      response.end('x');
      return;
    }
    if (request.url === '/small') {
      response.end('date;value\n');
      return;
    }
    // Streamed without a length until the client stops reading.
    response.writeHead(200, { 'content-type': 'text/csv' });
    const send = () => {
      while (!response.destroyed && response.write(block));
    };
    response.on('drain', send);
    response.on('error', () => undefined);
    send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('a source body past its bound', () => {
  it.each(['announced', 'streamed'])('%s: refused as bad data naming the URL, not retried', async (kind) => {
    const url = `${base}/${kind}`;
    await expect(fetchSource(url, WAIT_DEADLINE_MS)).rejects.toMatchObject({
      type: 'BadData',
      nonRetryable: true,
      message: `${url} answered a body of more than ${MAX_SOURCE_BODY_BYTES} bytes: no source courant reads sends that much, so it was not kept`,
    });
  });

  it('a body within it is read whole', async () => {
    const fetched = await fetchSource(`${base}/small`, WAIT_DEADLINE_MS);
    expect(new TextDecoder().decode(fetched.body)).toBe('date;value\n');
  });
});
