/**
 * A loopback stand-in for the ODRÉ portal's CSV export endpoint
 * `GET /api/explore/v2.1/catalog/datasets/{id}/exports/csv`, serving CSV texts given by the test.
 * It honours `where` bounds on `date_heure`, `order_by=date_heure` and `with_bom`, answers like the
 * real API (`text/csv; charset=utf-8` with a BOM, JSON `{error_code, message}` errors), and can be
 * told to fail the next requests of a dataset. The records endpoint (`…/{id}/records`) answers
 * `min()`/`max()` aggregates of date fields over what the export would serve for the same request;
 * the JSON export (`…/{id}/exports/json`) answers grouped counts (odre-grouped.ts) over the same rows.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { portalAggregates } from '../../demo-loopback.js';
import { groupedExport } from './odre-grouped.js';

export interface OdreRequest {
  readonly datasetId: string;
  /** The raw `where` parameter, or null when absent. */
  readonly where: string | null;
  /** Path and query as received. */
  readonly url: string;
}

export interface OdreResponse {
  readonly status: number;
  readonly body?: string;
  readonly contentType?: string;
}

export interface OdreServer {
  /** `http://127.0.0.1:{port}`, without a trailing slash. */
  readonly baseUrl: string;
  /** Every export and records request received, failures included, in arrival order. */
  readonly requests: OdreRequest[];
  /** Queues responses served, in order, to the next requests for the dataset, before any data. */
  failNext(datasetId: string, responses: OdreResponse[]): void;
  /**
   * Answers every request of a dataset whose `where` the rule matches with the rule's response,
   * until replaced or cleared with `null` (after queued failures, before data).
   */
  failWhen(datasetId: string, rule: ((where: string | null) => OdreResponse | undefined) | null): void;
  /** Sets or replaces the full export (header included) served for a dataset. */
  setData(datasetId: string, csv: string): void;
  close(): Promise<void>;
}

const EXPORT_PATH = /^\/api\/explore\/v2\.1\/catalog\/datasets\/([^/]+)\/exports\/csv$/;
const GROUPED_PATH = /^\/api\/explore\/v2\.1\/catalog\/datasets\/([^/]+)\/exports\/json$/;
const RECORDS_PATH = /^\/api\/explore\/v2\.1\/catalog\/datasets\/([^/]+)\/records$/;
const CLAUSE = /^date_heure\s*(>=|>|<=|<)\s*(?:date)?'([^']*)'$/i;
const BOM = '\uFEFF';

type Comparison = '>=' | '>' | '<=' | '<';

interface Bound {
  readonly comparison: Comparison;
  readonly at: number;
}

/** `date_heure >= '…' AND date_heure < '…'` → bounds; null when the expression is not of that form. */
function parseWhere(where: string): Bound[] | null {
  const bounds: Bound[] = [];
  for (const clause of where.trim().split(/\s+AND\s+/i)) {
    const m = CLAUSE.exec(clause.trim());
    if (!m) return null;
    const at = Date.parse(m[2] ?? '');
    if (Number.isNaN(at)) return null;
    bounds.push({ comparison: m[1] as Comparison, at });
  }
  return bounds;
}

function satisfies(at: number, bound: Bound): boolean {
  switch (bound.comparison) {
    case '>=':
      return at >= bound.at;
    case '>':
      return at > bound.at;
    case '<=':
      return at <= bound.at;
    case '<':
      return at < bound.at;
  }
}

function csvCell(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

interface ExportQuery {
  readonly bounds: readonly Bound[];
  readonly ordered: boolean;
  readonly bom: boolean;
}

/** A CSV text (`;`, or `,` when the header has no `;`) as its delimiter, header and rows. */
function parseCsv(csv: string): { delimiter: string; header: string[]; rows: string[][] } {
  const text = csv.startsWith(BOM) ? csv.slice(1) : csv;
  const headerLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = !headerLine.includes(';') && headerLine.includes(',') ? ',' : ';';
  const [header = [], ...rows] = parse(text, {
    delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
  });
  return { delimiter, header, rows };
}

/**
 * The export for a query: header kept, rows filtered on their `date_heure` instant. Rows whose
 * `date_heure` is not an instant are always served, so that tests can send bad rows through.
 */
function exportCsv(csv: string, query: ExportQuery): string {
  const { delimiter, header, rows } = parseCsv(csv);
  const column = header.indexOf('date_heure');
  const instant = (row: string[]): number => Date.parse(row[column] ?? '');
  let served = rows.filter((row) => {
    const at = instant(row);
    return Number.isNaN(at) || query.bounds.every((bound) => satisfies(at, bound));
  });
  if (query.ordered) {
    // Array.prototype.sort is stable: equal instants and rows without an instant keep their order.
    const key = (row: string[]): number => {
      const at = instant(row);
      return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
    };
    served = [...served].sort((a, b) => Math.sign(key(a) - key(b)) || 0);
  }
  const lines = [header, ...served].map((row) => row.map((cell) => csvCell(cell, delimiter)).join(delimiter));
  return `${query.bom ? BOM : ''}${lines.join('\r\n')}\r\n`;
}

function send(res: ServerResponse, status: number, body: string, contentType: string, headers = {}): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, errorCode: string, message: string): void {
  send(res, status, JSON.stringify({ error_code: errorCode, message }), 'application/json; charset=utf-8');
}

/** The records endpoint's answer: the `select`ed aggregates over the rows of an export. */
function sendAggregates(res: ServerResponse, csv: string, select: string | null): void {
  const { header, rows } = parseCsv(csv);
  const answer = portalAggregates(select, header, rows);
  if ('refused' in answer) sendError(res, 400, 'ODSQLError', answer.refused);
  else send(res, 200, JSON.stringify(answer.json), 'application/json; charset=utf-8');
}

/** Starts the server on 127.0.0.1 with a free port. `data` maps dataset ids to full CSV exports. */
export async function startOdreServer(data: Record<string, string>): Promise<OdreServer> {
  const exports = new Map<string, string>(Object.entries(data));
  const failures = new Map<string, OdreResponse[]>();
  const rules = new Map<string, (where: string | null) => OdreResponse | undefined>();
  const requests: OdreRequest[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const records = RECORDS_PATH.exec(url.pathname);
    const grouped = GROUPED_PATH.exec(url.pathname);
    const match = EXPORT_PATH.exec(url.pathname) ?? records ?? grouped;
    const select = url.searchParams.get('select');
    if (req.method !== 'GET' || !match) {
      sendError(res, req.method === 'GET' ? 404 : 405, 'NotFound', `no route for ${req.method} ${url.pathname}`);
      return;
    }
    const datasetId = decodeURIComponent(match[1] ?? '');
    const where = url.searchParams.get('where');
    requests.push({ datasetId, where, url: req.url ?? '' });

    const failure = failures.get(datasetId)?.shift() ?? rules.get(datasetId)?.(where);
    if (failure !== undefined) {
      if (records && failure.status === 200 && failure.contentType?.startsWith('text/csv'))
        sendAggregates(res, failure.body ?? '', select);
      else send(res, failure.status, failure.body ?? '', failure.contentType ?? 'text/plain; charset=utf-8');
      return;
    }
    const csv = exports.get(datasetId);
    if (csv === undefined) {
      sendError(res, 404, 'UnknownDatasetError', `Unknown dataset: ${datasetId}`);
      return;
    }
    const bounds = where === null ? [] : parseWhere(where);
    if (bounds === null) {
      sendError(res, 400, 'ODSQLError', `Invalid where clause: ${where ?? ''}`);
      return;
    }
    const body = exportCsv(csv, {
      bounds,
      ordered: url.searchParams.get('order_by') === 'date_heure',
      bom: url.searchParams.get('with_bom') !== 'false',
    });
    if (records) {
      sendAggregates(res, body, select);
      return;
    }
    if (grouped) {
      const { header, rows } = parseCsv(body);
      const answer = groupedExport(select, url.searchParams.get('group_by'), header, rows);
      if ('refused' in answer) sendError(res, 400, 'ODSQLError', answer.refused);
      else send(res, 200, JSON.stringify(answer.json), 'application/json; charset=utf-8');
      return;
    }
    send(res, 200, body, 'text/csv; charset=utf-8', {
      'content-disposition': `attachment; filename="${datasetId}.csv"`,
    });
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      sendError(res, 500, 'InternalError', String(error));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    failWhen(datasetId, rule) {
      if (rule) rules.set(datasetId, rule);
      else rules.delete(datasetId);
    },
    failNext(datasetId, responses) {
      failures.set(datasetId, [...(failures.get(datasetId) ?? []), ...responses]);
    },
    setData(datasetId, csv) {
      exports.set(datasetId, csv);
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
