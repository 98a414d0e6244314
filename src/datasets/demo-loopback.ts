/**
 * What the demos' stand-ins share: a GET-only HTTP server on 127.0.0.1 (a free port) answering from
 * real samples, and the Explore API v2.1 paths and aggregates of the open-data portals (ODRÉ, Paris).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackAnswer {
  readonly status: number;
  readonly body: string | Uint8Array;
  readonly contentType: string;
}

export interface LoopbackServer {
  /** `http://127.0.0.1:{port}`, without a trailing slash. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** A JSON answer (the portals and Open-Meteo give their errors as JSON too). */
export function jsonAnswer(status: number, body: unknown): LoopbackAnswer {
  return { status, body: JSON.stringify(body), contentType: 'application/json; charset=utf-8' };
}

/** Starts a server answering every GET with `answer(url)`; other methods get 405. */
export async function serveOnLoopback(answer: (url: URL) => LoopbackAnswer): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    let reply: LoopbackAnswer;
    try {
      reply =
        req.method === 'GET'
          ? answer(new URL(req.url ?? '/', 'http://127.0.0.1'))
          : jsonAnswer(405, { message: `no route for ${req.method ?? ''}` });
    } catch (error) {
      reply = jsonAnswer(500, { message: error instanceof Error ? error.message : String(error) });
    }
    res.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': Buffer.byteLength(reply.body) });
    res.end(reply.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** The dataset id of a portal export path (`/api/explore/v2.1/catalog/datasets/{id}/exports/csv`), or null. */
export function portalExportId(url: URL): string | null {
  const match = /^\/api\/explore\/v2\.1\/catalog\/datasets\/([^/]+)\/exports\/csv$/.exec(url.pathname);
  return match ? decodeURIComponent(match[1] ?? '') : null;
}

/** The dataset id of a portal records path (`/api/explore/v2.1/catalog/datasets/{id}/records`), or null. */
export function portalRecordsId(url: URL): string | null {
  const match = /^\/api\/explore\/v2\.1\/catalog\/datasets\/([^/]+)\/records$/.exec(url.pathname);
  return match ? decodeURIComponent(match[1] ?? '') : null;
}

const AGGREGATE = /^(min|max)\(\s*(\w+)\s*\)\s+as\s+(\w+)$/i;

/**
 * The records endpoint's answer to a `select` of `min(field) as name` / `max(field) as name` over
 * date fields, for rows given by column (`header`: API names, or the portal's labels given in `labels` by API name):
 * `{total_count, results: [{name: instant}]}`, instants in UTC, null over no date; a reason when
 * the stand-in cannot answer the `select`.
 */
export function portalAggregates(
  select: string | null,
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  labels: ReadonlyMap<string, string> = new Map(),
): { json: unknown } | { refused: string } {
  const result: Record<string, string | null> = {};
  for (const item of (select ?? '').split(',')) {
    const match = AGGREGATE.exec(item.trim());
    if (!match) return { refused: `the stand-in answers min() and max() aggregates only, not "${item.trim()}"` };
    const [, fn = '', field = '', name = ''] = match;
    const column = header.includes(field) ? header.indexOf(field) : header.indexOf(labels.get(field) ?? field);
    if (column < 0) return { refused: `Unknown field: ${field}` };
    const pick = fn.toLowerCase() === 'min' ? Math.min : Math.max;
    const at = rows.reduce((best, row) => {
      const value = Date.parse(row[column] ?? '');
      return Number.isNaN(value) ? best : Number.isNaN(best) ? value : pick(best, value);
    }, Number.NaN);
    result[name] = Number.isNaN(at) ? null : new Date(at).toISOString().replace('.000Z', '+00:00');
  }
  return { json: { total_count: rows.length, results: [result] } };
}
