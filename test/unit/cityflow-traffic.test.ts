/**
 * The Paris traffic counters module on real DuckDB: the real label export of one arc (hours stamped
 * at their end, rows unsorted) cut to Paris days by the (D 00:00, D+1 00:00] rule and checked
 * against a plain reading of the file; 23- and 25-hour days in the machine layout; rejected rows;
 * a wrong header refused; the export URL asks for the day's window.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cityflowTrafficModule } from '../../src/datasets/cityflow-traffic/module.js';
import { trafficExportUrl } from '../../src/datasets/cityflow-traffic/source.js';
import { TRAFFIC_TABLE } from '../../src/datasets/cityflow-traffic/transform.js';
import type { DayFile } from '../../src/datasets/contract.js';
import { sqlString } from '../../src/parquet/columns.js';
import { BadDataError } from '../../src/shared/errors.js';
import { parisDayBounds } from '../../src/shared/partition.js';
import { trafficDayExport } from '../support/paris-traffic.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const SAMPLE = path.join(
  'test',
  'fixtures',
  'paris',
  'louisgthier_comptages-routiers-permanents_washington_head2000.csv',
);
const config = { baseUrl: 'http://127.0.0.1:1', daily: false };
const scratch = useScratchDuckDb('courant-traffic-');

let written = 0;
async function fileOf(body: string | Buffer): Promise<DayFile> {
  written += 1;
  const file = path.join(scratch.dir, `traffic-${written}.csv`);
  await writeFile(file, body);
  return {
    source: 'traffic',
    key: `raw/cityflow-traffic/x/traffic-${written}.csv`,
    path: file,
    sha256: 'x',
    order: 0,
    options: {},
  };
}

async function runDay(date: string, file: DayFile) {
  const out = await mkdtemp(path.join(scratch.dir, 'day-'));
  const tablePath = (table: string) => path.join(out, `${table}.parquet`);
  const result = await cityflowTrafficModule.transform({
    date,
    config,
    db: scratch.connection,
    files: [file],
    tablePath,
    rejectsPath: path.join(out, 'rejects.jsonl'),
    scratchDir: out,
  });
  const rows = (
    await scratch.connection.runAndReadAll(
      `SELECT arc_id, strftime(hour_start AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS hour_start, q, k, state
       FROM read_parquet(${sqlString(tablePath(TRAFFIC_TABLE))})`,
    )
  ).getRowObjectsJson();
  const metrics = await cityflowTrafficModule.metrics({
    date,
    config,
    db: scratch.connection,
    tables: { [TRAFFIC_TABLE]: tablePath(TRAFFIC_TABLE) },
    history: () => Promise.resolve([]),
    anomaliesPath: path.join(out, 'anomalies.parquet'),
  });
  const rejects = (await readFile(path.join(out, 'rejects.jsonl'), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { result, rows, metrics: metrics.document, rejects };
}

/** The sample read plainly: its rows whose hour ENDS in (D 00:00, D+1 00:00] Paris. */
async function sampleDay(date: string): Promise<Array<{ end: number; q: number }>> {
  const { start, end } = parisDayBounds(date);
  const lines = (await readFile(SAMPLE, 'utf8')).split(/\r?\n/).slice(1).filter(Boolean);
  return lines
    .map((line) => line.split(';'))
    .map((f) => ({ end: Date.parse(f[2] ?? ''), q: Number(f[3]) }))
    .filter((r) => r.end > start.getTime() && r.end <= end.getTime());
}

describe('the real label export of arc 4264', () => {
  it('gives 2024-01-04 the hours ending after its midnight and up to the next, each shown at its start', async () => {
    const expected = await sampleDay('2024-01-04');
    const { result, rows, metrics } = await runDay('2024-01-04', await fileOf(await readFile(SAMPLE)));
    expect(result.rows).toEqual({ read: 1999, written: expected.length, rejected: 0 });
    expect(rows.map((r) => r.hour_start)).toEqual(
      expected
        .map((r) => r.end - 3_600_000)
        .sort((a, b) => a - b)
        .map((at) => new Date(at).toISOString().replace('.000Z', 'Z')),
    );
    // The hour ending at 2024-01-05 00:00 Paris is 23:00–24:00 of the 4th; the one ending at 00:00 on the 4th is not its.
    expect(rows.at(-1)).toMatchObject({ hour_start: '2024-01-04T22:00:00Z', q: 936, state: 'Pré-saturé' });
    expect(rows.some((r) => r.hour_start === '2024-01-03T22:00:00Z')).toBe(false);
    expect(metrics).toMatchObject({ arcs: 1, arcsWithFlow: 1, hours: 24 });
    expect(metrics.vehicles).toBeCloseTo(
      expected.reduce((sum, r) => sum + r.q, 0),
      3,
    );
  });
});

describe('days of 23 and 25 hours in the machine layout', () => {
  it.each([
    ['2024-03-31', 23],
    ['2024-10-27', 25],
  ])('%s has %i counted hours, complete', async (date, hours) => {
    const { result, rows, metrics } = await runDay(date, await fileOf(trafficDayExport(date)));
    expect(result.rows.written).toBe(hours);
    expect(rows[0]?.hour_start).toBe(parisDayBounds(date).start.toISOString().replace('.000Z', 'Z'));
    expect(metrics).toMatchObject({ hours, completeness: 1, vehicles: 100 * hours });
  });
});

describe('bad exports', () => {
  it('rejects rows with their line and column, keeps an empty flow as missing', async () => {
    const body =
      'iu_ac;libelle;t_1h;q;k;etat_trafic\n' +
      '4264;A;2024-01-04T10:00:00+01:00;;12.5;Fluide\n' +
      'x;A;2024-01-04T11:00:00+01:00;5;1;Fluide\n' +
      '4264;A;yesterday;5;1;Fluide\n' +
      '4264;A;2024-01-04T12:00:00+01:00;-4;1;Fluide\n' +
      '4264;A;2024-01-04T13:00:00+01:00;4;140;Fluide\n';
    const { result, rows, rejects } = await runDay('2024-01-04', await fileOf(body));
    expect(result.rows).toEqual({ read: 5, written: 1, rejected: 4 });
    expect(rows).toEqual([{ arc_id: '4264', hour_start: '2024-01-04T08:00:00Z', q: null, k: 12.5, state: 'Fluide' }]);
    expect(rejects.map((r) => [r.line, r.column, r.value])).toEqual([
      [3, 'iu_ac', 'x'],
      [4, 't_1h', 'yesterday'],
      [5, 'q', '-4'],
      [6, 'k', '140'],
    ]);
  });

  it('refuses a header without the traffic fields, naming them and line 1', async () => {
    const error = await runDay('2024-01-04', await fileOf('date;conso\n2024-01-04;1\n')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadDataError);
    expect((error as Error).message).toMatch(
      /line 1.*the header lacks the traffic fields arc, label, hourEnd, flow, occupancy, state/,
    );
  });

  it('asks the portal for the fields it reads and the hours ending in the day', () => {
    const url = new URL(trafficExportUrl('https://opendata.paris.fr/', '2024-03-31'));
    expect(url.pathname).toBe('/api/explore/v2.1/catalog/datasets/comptages-routiers-permanents/exports/csv');
    expect(url.searchParams.get('select')).toBe('iu_ac,libelle,t_1h,q,k,etat_trafic');
    expect(url.searchParams.get('where')).toBe("t_1h > '2024-03-30T23:00:00Z' AND t_1h <= '2024-03-31T22:00:00Z'");
  });
});
