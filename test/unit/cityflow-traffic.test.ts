/**
 * The Paris traffic counters module on real DuckDB: the real label export of one arc (hours stamped
 * at their end, rows unsorted) cut to Paris days by the (D 00:00, D+1 00:00] rule and checked
 * against a plain reading of the file; 23- and 25-hour days in the machine layout; rejected rows;
 * a wrong header refused; the export URL asks for the day's window; a day without a counted hour
 * is NoData outside the live dataset's range and BadData inside it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cityflowTrafficDataset } from '../../src/datasets/cityflow-traffic/module.js';
import { trafficDemo } from '../../src/datasets/cityflow-traffic/demo/demo.js';
import { liveRangeUrl, parseLiveRange } from '../../src/datasets/cityflow-traffic/live-range.js';
import { trafficExportUrl } from '../../src/datasets/cityflow-traffic/source.js';
import { TRAFFIC_TABLE } from '../../src/datasets/cityflow-traffic/transform.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { BadDataError, NoDataError } from '../../src/workflow-safe/errors.js';
import { parisDayBounds } from '../../src/workflow-safe/partition.js';
import { EMPTY_TRAFFIC_EXPORT, liveRangeAnswer, trafficDayExport } from '../support/paris-traffic.js';
import { runModuleDay } from '../support/module-day.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';
import { DEMO_SAMPLES } from '../support/samples.js';

const SAMPLE = DEMO_SAMPLES.traffic;
const config = { baseUrl: 'http://127.0.0.1:1', daily: false };
const scratch = useScratchDuckDb('courant-traffic-');

let written = 0;
async function fileOf(body: string | Buffer, source = 'traffic'): Promise<DayFile> {
  written += 1;
  const file = path.join(scratch.dir, `${source}-${written}`);
  await writeFile(file, body);
  return {
    source,
    key: `raw/cityflow-traffic/x/${source}-${written}`,
    path: file,
    sha256: 'x',
    order: 0,
    options: {},
  };
}

async function runDay(date: string, ...files: DayFile[]) {
  const day = await runModuleDay(cityflowTrafficDataset, config, scratch, date, files);
  const rows = await day.rows(
    TRAFFIC_TABLE,
    `arc_id, strftime(hour_start AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS hour_start, q, k, state`,
  );
  return { result: day.transform, rows, metrics: day.metrics?.document ?? {}, rejects: day.rejects };
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

describe('a day without a counted hour', () => {
  const live = () => fileOf(liveRangeAnswer('2024-09-26', '2025-11-22'), 'range');
  const failure = async (date: string) =>
    runDay(date, await fileOf(EMPTY_TRAFFIC_EXPORT), await live()).catch((e: unknown) => e);

  it('has no data before the live dataset, which names the archive that holds it', async () => {
    const error = await failure('2023-06-14');
    expect(error).toBeInstanceOf(NoDataError);
    expect((error as Error).message).toBe(
      "no counted hour of 2023-06-14 (0 row(s) read, 0 rejected): the portal's live dataset comptages-routiers-permanents " +
        'holds 2024-09-26..2025-11-22 and 2023-06-14 is before it: older days are in ' +
        'comptages-routiers-permanents-historique, which courant does not read',
    );
  });

  it('is bad data after the live dataset, not "no data": the day was not published when asked, it may come', async () => {
    const error = await failure('2025-11-23');
    expect(error).toBeInstanceOf(BadDataError);
    expect((error as Error).message).toMatch(
      /holds 2024-09-26\.\.2025-11-22 and had not published 2025-11-23 when it was asked/,
    );
  });

  it('is bad data on a day the live dataset holds, its first and last included', async () => {
    for (const date of ['2024-09-26', '2025-03-30', '2025-11-22']) {
      const error = await failure(date);
      expect(error).toBeInstanceOf(BadDataError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^raw/cityflow-traffic/x/traffic-\\d+: no counted hour of ${date} .*holds 2024-09-26\\.\\.2025-11-22, which includes it$`,
        ),
      );
    }
  });

  it('is bad data when the day has no range to tell', async () => {
    const error = await runDay('2023-06-14', await fileOf(EMPTY_TRAFFIC_EXPORT)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadDataError);
    expect((error as Error).message).toMatch(/no counted hour of 2023-06-14 \(0 row\(s\) read, 0 rejected\)$/);
  });

  it('asks the records endpoint for the first and last hour of the live dataset', () => {
    const url = new URL(liveRangeUrl('https://opendata.paris.fr/'));
    expect(url.pathname).toBe('/api/explore/v2.1/catalog/datasets/comptages-routiers-permanents/records');
    expect(url.searchParams.get('select')).toBe('min(t_1h) as first,max(t_1h) as last');
  });

  it('keeps a range answer and refuses a page or other JSON in its place', () => {
    const check = (body: string) => () =>
      cityflowTrafficDataset.checkDownload?.('range', new TextEncoder().encode(body), 'range.json');
    expect(check(liveRangeAnswer('2024-09-26', '2025-11-22'))).not.toThrow();
    expect(check(JSON.stringify({ total_count: 0, results: [{ first: null, last: null }] }))).not.toThrow();
    expect(check('<!DOCTYPE html><html>Maintenance</html>')).toThrow(/answered a page, not the JSON of its records/);
    expect(check('{"error_code":"ODSQLError"}')).toThrow(/not the range of the live dataset \(total_count: /);
    expect(check('{"total_count":1,"results":[{"first":"soon","last":null}]}')).toThrow(
      /results\.0\.first: not a date/,
    );
  });

  it("is answered by the demo's stand-in with the first and last hour of the sample", async () => {
    const demo = await trafficDemo.start(config);
    try {
      const response = await fetch(liveRangeUrl(demo.config.baseUrl));
      expect(response.status).toBe(200);
      const range = parseLiveRange(new Uint8Array(await response.arrayBuffer()), 'range.json');
      const ends = (await readFile(SAMPLE, 'utf8'))
        .split(/\r?\n/)
        .slice(1)
        .filter(Boolean)
        .map((line) => Date.parse(line.split(';')[2] ?? ''));
      expect(range).toEqual({ first: new Date(Math.min(...ends)), last: new Date(Math.max(...ends)) });
    } finally {
      await demo.close();
    }
  });
});
