/**
 * The traffic demo's data: the real label export of one arc shipped in `samples/` (provenance in
 * PROVENANCE.md there), answered as the portal's `/exports/csv` answers the day's request — the
 * fields of `select` by machine name, `;`, `t_1h` in UTC, only the rows whose `t_1h` meets `where`.
 */
import { parse } from 'csv-parse/sync';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { TRAFFIC_FIELDS } from '../source.js';

const SAMPLE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'samples',
  'louisgthier_comptages-routiers-permanents_washington_head2000.csv',
);

/**
 * The Paris days the sample has whole (a flow counted in each of their 24 hours), ascending;
 * `test/unit/cityflow-demos.test.ts` derives them from the sample again.
 */
export const TRAFFIC_DEMO_DAYS: readonly string[] = [
  '2023-11-04',
  '2023-12-03',
  '2023-12-06',
  '2023-12-08',
  '2024-01-04',
  '2024-01-07',
  '2024-02-05',
  '2024-02-06',
  '2024-02-07',
  '2024-02-08',
  '2024-03-04',
  '2024-03-05',
  '2024-03-06',
  '2024-03-07',
  '2024-03-09',
  '2024-04-19',
  '2024-04-20',
  '2024-04-24',
  '2024-04-25',
  '2024-05-10',
  '2024-05-11',
  '2024-05-12',
  '2024-06-05',
  '2024-06-06',
  '2024-06-07',
  '2024-07-11',
  '2024-07-12',
  '2024-07-13',
  '2024-08-02',
  '2024-08-03',
  '2024-09-03',
  '2024-09-07',
  '2024-10-02',
  '2024-10-03',
  '2024-10-06',
  '2024-10-07',
  '2024-12-02',
  '2024-12-03',
  '2024-12-05',
];

/** The sample's rows by API field name (`iu_ac`, `t_1h`…), in the sample's (unsorted) order. */
export type SampleRows = ReadonlyArray<Readonly<Record<string, string>>>;

const API_NAME = new Map<string, string>(Object.values(TRAFFIC_FIELDS).map(([api, label]) => [label, api]));
const API_NAMES = new Set(API_NAME.values());

export async function loadTrafficSample(): Promise<SampleRows> {
  const records = z
    .array(z.record(z.string(), z.string()))
    .parse(parse(await readFile(SAMPLE), { bom: true, columns: true, delimiter: ';' }));
  return records.map((record) =>
    Object.fromEntries(Object.entries(record).map(([label, value]) => [API_NAME.get(label) ?? label, value])),
  );
}

const CLAUSE = /^t_1h\s*(>=|>|<=|<)\s*'([^']*)'$/;

/** `t_1h > '…' AND t_1h <= '…'` → a test of an instant (ms); null when the expression is not of that form. */
export function parseWhere(where: string): ((at: number) => boolean) | null {
  const tests: Array<(at: number) => boolean> = [];
  for (const clause of where.trim().split(/\s+AND\s+/i)) {
    const match = CLAUSE.exec(clause.trim());
    const bound = Date.parse(match?.[2] ?? '');
    if (!match || Number.isNaN(bound)) return null;
    const op = match[1];
    tests.push((at) => (op === '>' ? at > bound : op === '>=' ? at >= bound : op === '<' ? at < bound : at <= bound));
  }
  return (at) => tests.every((test) => test(at));
}

const utc = (at: number) => new Date(at).toISOString().replace('.000Z', '+00:00');
const cell = (value: string) => (/[;"\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The export of the rows meeting `where`, with the `select`ed fields; a reason when the request cannot be answered. */
export function trafficExport(rows: SampleRows, params: URLSearchParams): { csv: string } | { refused: string } {
  const fields = (params.get('select') ?? '').split(',').filter(Boolean);
  const unknown = fields.find((field) => !API_NAMES.has(field));
  if (fields.length === 0 || unknown !== undefined) return { refused: `Unknown field: ${unknown ?? '(none)'}` };
  const test = parseWhere(params.get('where') ?? '');
  if (test === null) return { refused: `Invalid where clause: ${params.get('where') ?? ''}` };
  const lines = [fields.join(';')];
  for (const row of rows) {
    const at = Date.parse(row.t_1h ?? '');
    if (Number.isNaN(at) || !test(at)) continue;
    lines.push(fields.map((field) => (field === 't_1h' ? utc(at) : cell(row[field] ?? ''))).join(';'));
  }
  return { csv: `${lines.join('\r\n')}\r\n` };
}
