/**
 * The Paris roadworks module on real DuckDB: the real label export (BOM, CRLF, bare LF inside
 * quoted fields) read as its 192 records, each row aligned after multi-line fields; works active on
 * D with both bounds included; rows without usable dates kept, never active, and listed with their
 * line, column and reason; the snapshot check; no snapshot on the day is no data; the latest
 * snapshot of the day wins; the machine layout the snapshot asks for; configuration and report.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { fullEnvSchema } from '../../src/config/schema.js';
import { cityflowTraffic } from '../../src/datasets/cityflow-traffic/module.js';
import { cityflowWeather } from '../../src/datasets/cityflow-weather/module.js';
import { findCapability } from '../../src/datasets/modules.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { cityflowRoadworks, cityflowRoadworksDataset } from '../../src/datasets/cityflow-roadworks/module.js';
import {
  checkRoadworksBody,
  roadworksExportUrl,
  roadworksSnapshot,
} from '../../src/datasets/cityflow-roadworks/source.js';
import { ROADWORKS_TABLE, SNAPSHOT_TABLE } from '../../src/datasets/cityflow-roadworks/transform.js';
import { BadDataError, NoDataError } from '../../src/workflow-safe/errors.js';
import { slotOf } from '../../src/workflow-safe/slots.js';
import { roadworksList, type Work } from '../support/paris-roadworks.js';
import { runModuleDay } from '../support/module-day.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';
import { DEMO_SAMPLES } from '../support/samples.js';

const roadworksSnapshots = findCapability(cityflowRoadworks.capabilities, 'snapshots');

const SAMPLE = DEMO_SAMPLES.roadworks;
const config = { baseUrl: 'http://127.0.0.1:1', collect: true };
const scratch = useScratchDuckDb('courant-roadworks-');

let written = 0;
/** A snapshot of the list stored for the day, taken at `takenAt`. */
async function snapshotOf(body: string | Buffer, takenAt = '2023-07-16T22:05:00Z', order = 0): Promise<DayFile> {
  written += 1;
  const file = path.join(scratch.dir, `roadworks-${written}.csv`);
  await writeFile(file, body);
  const at = new Date(takenAt);
  const slot = slotOf(at, 15);
  return {
    source: 'roadworks',
    key: `raw/cityflow-roadworks/dt=${slot.date}/roadworks/${slot.name}-${written}.csv`,
    path: file,
    sha256: 'x',
    order,
    options: {},
    snapshot: { slot, takenAt: at },
  };
}

async function runDay(date: string, files: readonly DayFile[]) {
  const day = await runModuleDay(cityflowRoadworksDataset, config, scratch, date, files);
  const rows = await day.rows(
    ROADWORKS_TABLE,
    `id, arrondissement, object, description, street, starts::VARCHAR AS starts, ends::VARCHAR AS ends,
     impact, level, status, active`,
  );
  const tables = { [ROADWORKS_TABLE]: day.tablePath(ROADWORKS_TABLE), [SNAPSHOT_TABLE]: day.tablePath(SNAPSHOT_TABLE) };
  return { result: day.transform, rows, metrics: day.metrics?.document ?? {}, rejects: day.rejects, tables };
}

const byId = (rows: ReadonlyArray<Record<string, unknown>>, id: string) => rows.find((r) => r.id === id);

describe('the real label export of the list', () => {
  it('reads its 192 records, each row aligned after fields that span several lines', async () => {
    const { result, rows, rejects } = await runDay('2023-07-17', [await snapshotOf(await readFile(SAMPLE))]);
    expect(result).toEqual({
      tables: ['roadworks', 'roadworks_snapshot'],
      rows: { read: 192, written: 192, rejected: 1 },
    });
    expect(new Set(rows.map((r) => r.id)).size).toBe(192);
    // Lines 8–11 are one record (a description over two lines, an impact detail over three); line 12 the next.
    expect(byId(rows, 'CP002276')?.description).toBe(
      'Création de 111 logements sociaux.\nEmprise principale sur trottoir + 18 ml sur chaussée (livraison)',
    );
    expect(byId(rows, 'CP002462')).toMatchObject({
      arrondissement: '75017',
      street: 'Rue Cardinet',
      starts: '2023-02-13',
      ends: '2023-04-28',
      impact: 'SENS_UNIQUE',
      level: 2,
      active: false,
    });
    // Lines 205–208 are one record (an impact detail over four lines); line 209 the next.
    expect(byId(rows, 'CP002530')).toMatchObject({
      object: 'REHABILITATION_IMMEUBLE',
      description: 'Travaux de curage',
      street: "rue d'Anjou",
      starts: '2023-08-21',
      ends: '2023-12-31',
      impact: 'RESTREINTE',
    });
    // The record without dates is kept, never active, and named at the line an editor shows it on.
    expect(byId(rows, 'CP002436')).toMatchObject({ starts: null, ends: null, impact: null, active: false });
    expect(rejects).toEqual([
      {
        file: expect.stringContaining('raw/cityflow-roadworks/') as unknown,
        line: 192,
        column: 'date_debut, date_fin',
        value: null,
        reason: 'no dates: kept, never active',
      },
    ]);
  });

  it('counts the works of 2023-07-17 as a plain reading of the file does', async () => {
    // Counted with Python's csv module over the file: 86 works hold the day, 8 start on it, none ends on it.
    const { metrics } = await runDay('2023-07-17', [await snapshotOf(await readFile(SAMPLE))]);
    expect(metrics).toMatchObject({
      works: 192,
      active: 86,
      startedOnDay: 8,
      endedOnDay: 0,
      undated: 1,
      activeByImpact: { BARRAGE_TOTAL: 7, IMPASSE: 0, SENS_UNIQUE: 10, RESTREINTE: 67, unknown: 2 },
      completeness: 1,
      snapshot: { slot: '0000', takenAt: '2023-07-16T22:05:00.000Z' },
    });
    expect((metrics.activeByArrondissement as Record<string, number>)['75013']).toBe(11);
    const biggest = metrics.biggestActive as Array<Record<string, unknown>>;
    expect(biggest).toHaveLength(10);
    expect(biggest.slice(0, 7).every((w) => w.impact === 'BARRAGE_TOTAL')).toBe(true);
    expect(biggest[0]).toMatchObject({
      id: 'CP002369',
      street: 'Rue Scipion',
      starts: '2022-08-22',
      ends: '2024-05-31',
    });
  });
});

describe('works active on a day', () => {
  const works: Work[] = [
    { id: 'starts-on-d', starts: '2024-03-31', ends: '2024-04-10' },
    { id: 'ends-on-d', starts: '2024-03-20', ends: '2024-03-31', impact: 'BARRAGE_TOTAL' },
    { id: 'ended-the-day-before', starts: '2024-03-01', ends: '2024-03-30' },
    { id: 'one-day', starts: '2024-03-31', ends: '2024-03-31', impact: '' },
    { id: 'later', starts: '2024-04-01', ends: '2024-05-01' },
  ];

  it('holds both bounds: a work starting on D and one ending on D are active, one ended the day before is not', async () => {
    const { rows, metrics } = await runDay('2024-03-31', [
      await snapshotOf(roadworksList(works), '2024-03-30T22:00:00Z'),
    ]);
    expect(rows.filter((r) => r.active).map((r) => r.id)).toEqual(['ends-on-d', 'one-day', 'starts-on-d']);
    expect(metrics).toMatchObject({ works: 5, active: 3, startedOnDay: 2, endedOnDay: 2 });
    expect(metrics.activeByImpact).toMatchObject({ BARRAGE_TOTAL: 1, RESTREINTE: 1, unknown: 1 });
  });

  it('ends with the day after the end: not active any more', async () => {
    const { rows } = await runDay('2024-04-01', [await snapshotOf(roadworksList(works), '2024-03-31T22:00:00Z')]);
    expect(rows.filter((r) => r.active).map((r) => r.id)).toEqual(['later', 'starts-on-d']);
  });
});

describe('rows without usable dates', () => {
  it('keeps them, never active, and lists each with its line, column, value and reason', async () => {
    const list = roadworksList([
      { id: 'W1', starts: '2024-01-01', ends: '2024-12-31', description: 'two lines\nof description' },
      { id: 'W2', starts: '', ends: '' },
      { id: 'W3', starts: '', ends: '2024-12-31' },
      { id: 'W4', starts: '2024-01-01', ends: '31/12/2024' },
      { id: 'W5', starts: '2024-06-01', ends: '2024-01-31' },
      { id: 'W6', starts: '2024-01-01', ends: '2024-12-31', level: 'high' },
    ]);
    const { result, rows, rejects, metrics } = await runDay('2024-06-15', [
      await snapshotOf(list, '2024-06-14T22:00:00Z'),
    ]);
    expect(result.rows).toEqual({ read: 6, written: 6, rejected: 5 });
    expect(rows.map((r) => [r.id, r.starts, r.ends, r.active])).toEqual([
      ['W1', '2024-01-01', '2024-12-31', true],
      ['W2', null, null, false],
      ['W3', null, '2024-12-31', false],
      ['W4', '2024-01-01', null, false],
      ['W5', '2024-06-01', '2024-01-31', false],
      ['W6', '2024-01-01', '2024-12-31', true],
    ]);
    // W1 takes lines 2 and 3: W2 is on line 4.
    expect(rejects.map((r) => [r.line, r.column, r.value, r.reason])).toEqual([
      [4, 'date_debut, date_fin', null, 'no dates: kept, never active'],
      [5, 'date_debut', null, 'no start date: kept, never active'],
      [6, 'date_fin', '31/12/2024', 'the end date is not a date (YYYY-MM-DD): kept, never active'],
      [7, 'date_fin', '2024-01-31', 'the work ends before it starts: kept, never active'],
      [8, 'niveau_perturbation', 'high', 'the level is not a whole number: kept without it'],
    ]);
    expect(metrics).toMatchObject({ works: 6, active: 2, undated: 4 });
  });
});

describe('the snapshot', () => {
  it('asks the portal for the fields read, machine names and `;`, never the geometry', () => {
    const url = new URL(roadworksSnapshot.url(config));
    expect(url.origin + url.pathname).toBe(
      'http://127.0.0.1:1/api/explore/v2.1/catalog/datasets/chantiers-perturbants/exports/csv',
    );
    expect(url.searchParams.get('select')).toBe(
      'identifiant,cp_arrondissement,typologie,maitre_ouvrage,objet,description,voie,date_debut,date_fin,impact_circulation,niveau_perturbation,statut',
    );
    expect(url.searchParams.get('delimiter')).toBe(';');
    expect(url.searchParams.get('use_labels')).toBe('false');
    expect(roadworksExportUrl('https://opendata.paris.fr/')).toMatch(/^https:\/\/opendata\.paris\.fr\/api\//);
    expect(roadworksSnapshots?.sources[0]).toMatchObject({
      source: 'roadworks',
      every: 'day',
      extension: 'csv',
    });
  });

  it('refuses a page and a header without the fields, naming the file and the missing field', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(() => checkRoadworksBody(bytes('\n<!DOCTYPE html><html>busy</html>'), 'u')).toThrow(
      /^u: the source answered a page, not a CSV export$/,
    );
    const error = (() => {
      try {
        checkRoadworksBody(bytes('identifiant;voie;date_debut\r\nCP1;rue;2024-01-01\r\n'), 'u');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(BadDataError);
    expect((error as BadDataError).location).toEqual({
      file: 'u',
      line: 1,
      column:
        'cp_arrondissement, typologie, maitre_ouvrage, objet, description, date_fin, impact_circulation, niveau_perturbation, statut',
    });
    expect(() => checkRoadworksBody(bytes(roadworksList([])), 'u')).not.toThrow();
  });

  it('accepts the label export too', async () => {
    const sample = new Uint8Array(await readFile(SAMPLE));
    expect(() => checkRoadworksBody(sample, 'u')).not.toThrow();
  });

  it('is the only input of a day, and without one the day has no data', async () => {
    expect(cityflowRoadworksDataset.inputs('2024-03-31', config)).toEqual([{ kind: 'snapshot', source: 'roadworks' }]);
    const error = await runDay('2024-03-31', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoDataError);
    expect((error as Error).message).toMatch(
      /no snapshot of the roadworks list was taken on 2024-03-31: the list is a current list .* cannot be known after the fact/,
    );
  });

  it('reads the latest snapshot of the day when several were taken', async () => {
    const early = await snapshotOf(
      roadworksList([{ id: 'EARLY', starts: '2024-01-01', ends: '2024-12-31' }]),
      '2024-03-30T23:05:00Z',
      1,
    );
    const late = await snapshotOf(
      roadworksList([{ id: 'LATE', starts: '2024-01-01', ends: '2024-12-31' }]),
      '2024-03-31T09:00:00Z',
      0,
    );
    const { rows, metrics } = await runDay('2024-03-31', [late, early]);
    expect(rows.map((r) => r.id)).toEqual(['LATE']);
    expect(metrics.snapshot).toMatchObject({ slot: '1100', takenAt: '2024-03-31T09:00:00.000Z', file: late.key });
  });
});

describe('configuration', () => {
  it('is collected only when asked', () => {
    const off = loadConfig({}, [cityflowRoadworks]).datasets['cityflow-roadworks'] as typeof config;
    expect(off).toEqual({ baseUrl: 'https://opendata.paris.fr', collect: false });
    expect(cityflowRoadworksDataset.runsDaily?.(off)).toBe(false);
    expect(roadworksSnapshots?.collects(off)).toBe(false);
    const on = loadConfig({ CITYFLOW_ROADWORKS_COLLECT: 'true' }, [cityflowRoadworks]).datasets[
      'cityflow-roadworks'
    ] as typeof config;
    expect(cityflowRoadworksDataset.runsDaily?.(on)).toBe(true);
    expect(roadworksSnapshots?.collects(on)).toBe(true);
    expect(() => loadConfig({ CITYFLOW_ROADWORKS_COLLECT: 'yes' }, [cityflowRoadworks])).toThrow(
      /CITYFLOW_ROADWORKS_COLLECT/,
    );
  });

  it('shares the portal URL of the traffic counters: one variable, one check', () => {
    const modules = [cityflowTraffic, cityflowWeather, cityflowRoadworks] as const;
    const names = Object.keys(fullEnvSchema(modules).shape).filter((n) => n === 'PARIS_OPENDATA_BASE_URL');
    expect(names).toEqual(['PARIS_OPENDATA_BASE_URL']);
    const { datasets } = loadConfig({ PARIS_OPENDATA_BASE_URL: 'http://portal.test' }, modules);
    expect(datasets['cityflow-roadworks']).toEqual({ baseUrl: 'http://portal.test', collect: false });
    expect(datasets['cityflow-traffic']).toMatchObject({ baseUrl: 'http://portal.test' });
    expect(() => loadConfig({ PARIS_OPENDATA_BASE_URL: 'ftp://portal.test' }, modules)).toThrow(ConfigError);
  });
});

describe('the report', () => {
  it('shows the day by impact and arrondissement with the works that disturb most, and the period per day', async () => {
    // One after the other: a transform's temporary table belongs to its connection.
    const days = [];
    for (const date of ['2023-07-17', '2023-07-18'])
      days.push({ date, ...(await runDay(date, [await snapshotOf(await readFile(SAMPLE), `${date}T00:05:00Z`)])) });
    const first = days[0];
    if (first === undefined) throw new Error('no day');
    const day = await cityflowRoadworksDataset.report.day({
      date: first.date,
      alongside: {},
      config,
      db: scratch.connection,
      metrics: first.metrics,
      tables: first.tables,
    });
    expect(day.summary).toBe('86 of 192 work(s) active on 2023-07-17 (8 starting, 0 ending), 7 closing a road');
    expect(day.charts.map((c) => c.id)).toEqual(['cityflow-roadworks-impact', 'cityflow-roadworks-arrondissement']);
    expect(day.tables[0]?.rows[0]).toEqual([
      'Rue Scipion',
      'REHABILITATION_IMMEUBLE',
      '2022-08-22',
      '2024-05-31',
      'BARRAGE_TOTAL',
      '75005',
    ]);
    const period = await cityflowRoadworksDataset.report.period({
      kind: 'month',
      period: '2023-07',
      config,
      db: scratch.connection,
      days: days.map((d) => ({ date: d.date, tables: d.tables })),
      before: [],
    });
    expect(period.daily.map((d) => [d.date, d.figures.find((f) => f.key === 'activeMean')?.value])).toEqual([
      ['2023-07-17', 86],
      ['2023-07-18', expect.any(Number) as unknown],
    ]);
    expect(period.figures.find((f) => f.key === 'days')?.value).toBe(2);
  });
});
