/**
 * The bench's loopback source: answers the ODRÉ CSV export requests courant sends for a day
 * (`/api/explore/v2.1/catalog/datasets/{id}/exports/csv?where=date_heure >= '…' AND …`) with the
 * day's generated export, prepared in advance so that serving costs a map lookup, not the run.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parisDayBounds } from '../../src/workflow-safe/partition.js';
import { eco2mixDayExport } from '../inputs/eco2mix.js';

const EXPORT_PATH = /^\/api\/explore\/v2\.1\/catalog\/datasets\/([^/]+)\/exports\/csv$/;
const START = /date_heure\s*>=\s*'([^']+)'/i;
const DATASETS: Readonly<Record<string, 'realtime' | 'consolidated'>> = {
  'eco2mix-national-tr': 'realtime',
  'eco2mix-national-cons-def': 'consolidated',
};

export interface ExportServer {
  readonly baseUrl: string;
  /** Requests answered with a day's export. */
  served(): number;
  /** Requests refused with a 503 (`refuse`). */
  refused(): number;
  close(): Promise<void>;
}

/**
 * With `refuse`, the exports of its day are answered 503 for `forMs` from the first request of
 * any day (a source's outage on one day while the backfill runs), then served.
 */
export async function startExportServer(
  days: readonly string[],
  refuse?: { readonly date: string; readonly forMs: number },
): Promise<ExportServer> {
  const refusedStart = refuse === undefined ? null : parisDayBounds(refuse.date).start.getTime();
  let firstRequestAt: number | null = null;
  let refused = 0;
  const bodies = new Map<string, string>();
  for (const date of days) {
    const start = parisDayBounds(date).start.getTime();
    for (const [datasetId, source] of Object.entries(DATASETS)) {
      bodies.set(`${datasetId}@${start}`, eco2mixDayExport(date, source));
    }
  }
  let served = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const datasetId = EXPORT_PATH.exec(url.pathname)?.[1];
    const start = Date.parse(START.exec(url.searchParams.get('where') ?? '')?.[1] ?? '');
    const body = datasetId === undefined ? undefined : bodies.get(`${decodeURIComponent(datasetId)}@${start}`);
    firstRequestAt ??= Date.now();
    if (body !== undefined && start === refusedStart && Date.now() - firstRequestAt < (refuse?.forMs ?? 0)) {
      refused += 1;
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Service Unavailable');
      return;
    }
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error_code: 'NotFound', message: `no export for ${req.url ?? ''}` }));
      return;
    }
    served += 1;
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    served: () => served,
    refused: () => refused,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
