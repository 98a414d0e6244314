/**
 * The Vélib' module on real DuckDB: days of snapshots written from the real GBFS answers (a few of
 * their stations, counts set slot by slot) with slots missed, the coverage and the time-weighted
 * figures checked against sums done by hand; 23- and 25-hour days (the `bis` second pass); the
 * collector's check; a day never collected (NoData); stations that cannot be read as rejects.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cityflowVelib, cityflowVelibDataset } from '../../src/datasets/cityflow-velib/module.js';
import { findCapability } from '../../src/datasets/modules.js';
import { checkGbfsBody, velibSources } from '../../src/datasets/cityflow-velib/source.js';
import { STATIONS_TABLE } from '../../src/datasets/cityflow-velib/station-list.js';
import { STATUS_TABLE } from '../../src/datasets/cityflow-velib/transform.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { BadDataError, NoDataError } from '../../src/workflow-safe/errors.js';
import { daySlots, type Slot } from '../../src/workflow-safe/slots.js';
import { runModuleDay } from '../support/module-day.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';
import { DEMO_SAMPLES } from '../support/samples.js';

const STATUS_SAMPLE = DEMO_SAMPLES.velibStatus;
const INFORMATION_SAMPLE = DEMO_SAMPLES.velibInformation;
const config = { baseUrl: 'http://127.0.0.1:1/opendata/Velib_Metropole', collect: true };
const scratch = useScratchDuckDb('courant-velib-');

/** Real stations of the sample: A, B, C report; D is installed but not renting, last reported a month before. */
const A = 213688169; // 16107 Benjamin Godard - Victor Hugo
const B = 19179944124; // 40001 Hôpital Mondor
const C = 18795078746; // 32304 Charcot - Benfleet
const D = 20636368032; // 5203 Victor Cousin - Cujas: 0 bikes, 0 docks, not renting nor returning

type Station = Record<string, unknown> & { station_id: number };
type Counts = { mechanical: number; ebike: number; docks: number } | 'as-is';

async function sampleStations(): Promise<Map<number, Station>> {
  const body = JSON.parse(await readFile(STATUS_SAMPLE, 'utf8')) as { data: { stations: Station[] } };
  return new Map(body.data.stations.map((s) => [s.station_id, s]));
}

/** The sample's station with its counts set (both spellings) and reported 30 s into the slot. */
function stationAt(station: Station, counts: Counts, slot: Slot): Station {
  if (counts === 'as-is') return station;
  const bikes = counts.mechanical + counts.ebike;
  return {
    ...station,
    num_bikes_available: bikes,
    numBikesAvailable: bikes,
    num_bikes_available_types: [{ mechanical: counts.mechanical }, { ebike: counts.ebike }],
    num_docks_available: counts.docks,
    numDocksAvailable: counts.docks,
    last_reported: slot.start.getTime() / 1000 + 30,
  };
}

let written = 0;
async function snapshotFile(date: string, source: string, slot: Slot, body: string): Promise<DayFile> {
  written += 1;
  const dir = path.join(scratch.dir, `snapshots-${written}`, source);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${slot.name}.json`);
  await writeFile(file, body);
  return {
    source,
    key: `raw/cityflow-velib/dt=${date}/${source}/${slot.name}.json`,
    path: file,
    sha256: 'x',
    order: written,
    options: {},
    snapshot: { slot, takenAt: new Date(slot.start.getTime() + 20_000) },
  };
}

/**
 * A day of status snapshots of 15 minutes: every slot but those in `missed`, each holding the
 * stations `counts(slot, index)` gives (index: the slot's position in the day).
 */
async function statusDay(
  date: string,
  missed: readonly string[],
  counts: (slot: Slot, index: number) => ReadonlyArray<readonly [number, Counts]>,
): Promise<DayFile[]> {
  const sample = await sampleStations();
  const slots = daySlots(date, 15);
  const taken = slots.map((slot, index) => ({ slot, index })).filter(({ slot }) => !missed.includes(slot.name));
  return Promise.all(
    taken.map(({ slot, index }) => {
      const stations = counts(slot, index).map(([id, c]) => stationAt(sample.get(id) as Station, c, slot));
      const body = JSON.stringify({ lastUpdatedOther: slot.start.getTime() / 1000, ttl: 3600, data: { stations } });
      return snapshotFile(date, 'velib', slot, body);
    }),
  );
}

async function stationList(date: string): Promise<DayFile> {
  const first = daySlots(date, 15)[0] as Slot;
  return snapshotFile(date, 'velib-stations', first, await readFile(INFORMATION_SAMPLE, 'utf8'));
}

async function runDay(date: string, files: readonly DayFile[]) {
  const day = await runModuleDay(cityflowVelibDataset, config, scratch, date, files);
  if (day.metrics === null) throw new Error('no metrics');
  return {
    result: day.transform,
    metrics: day.metrics,
    rejects: day.rejects,
    table: day.rows,
    tablePath: day.tablePath,
  };
}

const document = (metrics: { document: Readonly<Record<string, unknown>> }) =>
  metrics.document as {
    slots: { expected: number; taken: number; missed: string[] };
    series: Array<{ slot: string; bikes: number | null; mechanical: number | null; electric: number | null }>;
  } & Record<string, unknown>;

describe('a day of snapshots with three slots missed (2025-10-18, 96 slots of 15 min)', () => {
  const date = '2025-10-18';
  const missed = ['0300', '0315', '1200'];
  /**
   * A: 2 mechanical + 1 electric before noon, then empty (0 bikes, installed and renting);
   * B: 4 + 6 all day, no dock free (full); C: 1 mechanical in even slots, 3 in odd ones;
   * D: as the feed gives it (0 bikes, 0 docks, not renting nor returning, reported a month before).
   */
  const counts = (slot: Slot, index: number): ReadonlyArray<readonly [number, Counts]> => [
    [A, index < 48 ? { mechanical: 2, ebike: 1, docks: 32 } : { mechanical: 0, ebike: 0, docks: 35 }],
    [B, { mechanical: 4, ebike: 6, docks: 0 }],
    [C, { mechanical: index % 2 === 0 ? 1 : 3, ebike: 0, docks: 20 }],
    [D, 'as-is'],
  ];

  it('gives the coverage and the time-weighted figures of the slots taken only', async () => {
    const files = [...(await statusDay(date, missed, counts)), await stationList(date)];
    const { result, metrics } = await runDay(date, files);
    // 93 snapshots of 4 stations.
    expect(result).toEqual({ tables: [STATUS_TABLE, STATIONS_TABLE], rows: { read: 372, written: 372, rejected: 0 } });
    const m = document(metrics);
    expect(m.slots).toEqual({ expected: 96, taken: 93, missed });
    expect(metrics.completeness).toBe(0.96875); // 93 / 96
    expect(m.coverage).toBe(0.96875);
    // Taken: 46 slots before noon (0300, 0315 missed), 47 after (1200 missed); 46 even slots (index 12 and 48
    // missed), 47 odd (13 missed). Each counts a quarter of an hour: 93 × 0.25 = 23.25 h covered.
    expect(m.coveredHours).toBe(23.25);
    // Bike-hours: A 46 × 3 × 0.25 = 34.5 (23 mechanical, 11.5 electric); B 93 × 10 × 0.25 = 232.5 (93, 139.5);
    // C (46 × 1 + 47 × 3) × 0.25 = 46.75 mechanical. Total 313.75: 162.75 mechanical, 151 electric.
    expect(m.bikeHours).toEqual({ total: 313.75, mechanical: 162.75, electric: 151 });
    // Time-weighted over the 23.25 h taken: 313.75 / 23.25, 162.75 / 23.25, 151 / 23.25.
    expect(m.bikesAvailable).toEqual({ total: 13.495, mechanical: 7, electric: 6.495 });
    // Empty: A after noon, 47 × 0.25; full: B all day, 93 × 0.25. D (not renting, not returning) is neither.
    expect(m.stationHours).toEqual({ empty: 11.75, full: 23.25 });
  });

  it('leaves a missed slot empty in the series, never filled from the slots around it', async () => {
    const { metrics } = await runDay(date, await statusDay(date, missed, counts));
    const m = document(metrics);
    expect(m.series).toHaveLength(96);
    const at = (slot: string) => m.series.find((s) => s.slot === slot);
    expect(at('0245')).toEqual(expect.objectContaining({ bikes: 16, mechanical: 9, electric: 7 })); // index 11: A 2 + 1, B 4 + 6, C 3 + 0, D 0
    expect(at('0300')).toEqual(expect.objectContaining({ bikes: null, mechanical: null, electric: null }));
    expect(at('0315')).toEqual(expect.objectContaining({ bikes: null }));
    expect(at('1200')).toEqual(expect.objectContaining({ bikes: null }));
    expect(at('1215')).toEqual(expect.objectContaining({ bikes: 13, mechanical: 7, electric: 6 })); // index 49: 0 + 10 + 3
  });

  it('names the most volatile stations and those never reporting in the day', async () => {
    const files = [...(await statusDay(date, missed, counts)), await stationList(date)];
    const { metrics, table } = await runDay(date, files);
    // C: |Δ| = 2 between taken slots of different parity: 0..11 (11 steps), 11→14, 14..47 (33), 47→49 (0),
    // 49..95 (46): (11 + 1 + 33 + 46) × 2 = 182. A: 3 → 0 once, from 1145 to 1215. B and D never move.
    expect(metrics.document.mostVolatile).toEqual([
      { stationId: C, code: '32304', name: 'Charcot - Benfleet', moves: 182, snapshots: 93 },
      { stationId: A, code: '16107', name: 'Benjamin Godard - Victor Hugo', moves: 3, snapshots: 93 },
    ]);
    // The list holds the sample's 1495 stations; only A, B and C report within the day.
    expect(metrics.document.stations).toMatchObject({ reporting: 4, listed: 1495, neverReporting: 1492 });
    const stations = await table(STATIONS_TABLE);
    expect(stations).toHaveLength(1495);
    expect(stations.find((s) => s.station_id === String(D))).toEqual({
      station_id: String(D),
      station_code: '5203',
      name: 'Victor Cousin - Cujas',
      lat: 48.847909849567,
      lon: 2.3424898070094,
      capacity: 0,
    });
  });

  it('keeps one row per station and slot with the slot, the counts by type, the flags and last_reported', async () => {
    const { table } = await runDay(date, await statusDay(date, missed, counts));
    const rows = await table(STATUS_TABLE);
    expect(rows[0]).toEqual({
      slot_start: '2025-10-17 22:00:00+00',
      slot_end: '2025-10-17 22:15:00+00',
      station_id: String(A),
      station_code: '16107',
      bikes: 3,
      mechanical: 2,
      ebike: 1,
      docks: 32,
      installed: true,
      renting: true,
      returning: true,
      last_reported: '2025-10-17 22:00:30+00',
    });
    expect(rows.find((r) => r.station_id === String(D))).toMatchObject({
      station_id: '20636368032',
      renting: false,
      last_reported: '2025-09-18 11:22:09+00',
    });
  });
});

describe('days of 23 and 25 hours', () => {
  const constant = (): ReadonlyArray<readonly [number, Counts]> => [[B, { mechanical: 4, ebike: 6, docks: 0 }]];

  it('2024-03-31 has 92 slots, none between 02:00 and 03:00', async () => {
    const { metrics } = await runDay('2024-03-31', await statusDay('2024-03-31', [], constant));
    const m = document(metrics);
    expect(m).toMatchObject({ hours: 23, slotMinutes: 15, coveredHours: 23, coverage: 1 });
    expect(m.slots).toEqual({ expected: 92, taken: 92, missed: [] });
    expect(m.bikeHours).toEqual({ total: 230, mechanical: 92, electric: 138 }); // 10 bikes × 23 h
    expect(m.series.map((s) => s.slot).slice(7, 9)).toEqual(['0145', '0300']);
  });

  it('2024-10-27 has 100 slots with the repeated hour twice; a missed second pass stays missed', async () => {
    const { metrics } = await runDay('2024-10-27', await statusDay('2024-10-27', ['0215bis'], constant));
    const m = document(metrics);
    expect(m).toMatchObject({ hours: 25, coveredHours: 24.75, coverage: 0.99 });
    expect(m.slots).toEqual({ expected: 100, taken: 99, missed: ['0215bis'] });
    expect(m.series.map((s) => s.slot).slice(8, 16)).toEqual([
      '0200',
      '0215',
      '0230',
      '0245',
      '0200bis',
      '0215bis',
      '0230bis',
      '0245bis',
    ]);
    expect(m.series.find((s) => s.slot === '0215')?.bikes).toBe(10);
    expect(m.series.find((s) => s.slot === '0215bis')?.bikes).toBeNull();
    expect(m.bikesAvailable).toEqual({ total: 10, mechanical: 4, electric: 6 });
  });
});

describe('the collector and the day', () => {
  it('takes station_status in every slot and station_information once a day, both snapshots of the day', () => {
    expect(velibSources.map((s) => [s.source, s.every, s.url({ ...config, baseUrl: `${config.baseUrl}/` })])).toEqual([
      ['velib', 'slot', `${config.baseUrl}/station_status.json`],
      ['velib-stations', 'day', `${config.baseUrl}/station_information.json`],
    ]);
    expect(cityflowVelibDataset.inputs('2025-10-18', config)).toEqual([
      { kind: 'snapshot', source: 'velib' },
      { kind: 'snapshot', source: 'velib-stations' },
    ]);
    expect(findCapability(cityflowVelib.capabilities, 'snapshots')?.collects(config)).toBe(true);
    expect(cityflowVelibDataset.runsDaily?.({ ...config, collect: false })).toBe(false);
  });

  it('lets the real answers through and refuses a body without data.stations or not JSON, naming the file', async () => {
    for (const sample of [STATUS_SAMPLE, INFORMATION_SAMPLE]) {
      const body = new Uint8Array(await readFile(sample));
      expect(() => checkGbfsBody(body, 'x')).not.toThrow();
    }
    const file = 'raw/cityflow-velib/dt=2025-10-18/velib/0900.json';
    const refused = (body: string) => {
      try {
        checkGbfsBody(new TextEncoder().encode(body), file);
      } catch (error) {
        return error;
      }
      return null;
    };
    const noStations = refused('{"lastUpdatedOther":1760778556,"ttl":3600,"data":{"stations":"none"}}');
    expect(noStations).toBeInstanceOf(BadDataError);
    expect((noStations as Error).message).toBe(
      `${file}, column data.stations: the answer has no data.stations array (not a GBFS feed)`,
    );
    expect((refused('{"error":"Not found"}') as Error).message).toMatch(/no data\.stations array/);
    expect((refused('<html>502 Bad Gateway</html>') as Error).message).toBe(
      `${file}: the feed answered something other than JSON`,
    );
  });

  it('says that a day without a status snapshot was not collected and never can be', async () => {
    for (const files of [[], [await stationList('2025-10-19')]]) {
      const error = await runDay('2025-10-19', files).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NoDataError);
      expect((error as Error).message).toMatch(
        /no Vélib' snapshot was taken during 2025-10-19: the day was not collected/,
      );
      expect((error as Error).message).toMatch(/keeps no history.*cannot be collected after the fact/);
    }
  });
});

describe('stations that cannot be read', () => {
  it('are rejects with their file, position in the array, field, value and reason; the rest is kept', async () => {
    const date = '2025-10-18';
    const sample = await sampleStations();
    const slot = daySlots(date, 15)[36] as Slot; // 09:00
    const a = stationAt(sample.get(A) as Station, { mechanical: 2, ebike: 1, docks: 32 }, slot);
    const stations = [
      a,
      { ...a, station_id: undefined },
      { ...stationAt(sample.get(B) as Station, { mechanical: 4, ebike: 6, docks: 0 }, slot), num_bikes_available: -1 },
      {
        ...stationAt(sample.get(C) as Station, { mechanical: 1, ebike: 0, docks: 20 }, slot),
        num_bikes_available_types: [{ mechanical: 'x' }, { ebike: 0 }],
      },
      { ...(sample.get(D) as Station), is_renting: 2 },
      { ...a, num_docks_available: 31 },
    ];
    const file = await snapshotFile(date, 'velib', slot, JSON.stringify({ data: { stations } }));
    const { result, rejects, table } = await runDay(date, [file]);
    expect(result.rows).toEqual({ read: 6, written: 1, rejected: 5 });
    expect(rejects).toEqual([
      {
        file: file.key,
        station: 2,
        column: 'station_id',
        value: null,
        reason: 'the station id is missing or not a whole number',
      },
      {
        file: file.key,
        station: 3,
        column: 'num_bikes_available',
        value: '-1',
        reason: 'the bikes available are missing or not a non-negative whole number',
      },
      {
        file: file.key,
        station: 4,
        column: 'num_bikes_available_types',
        value: '[{"mechanical":"x"},{"ebike":0}]',
        reason: 'a count by bike type is not a non-negative whole number',
      },
      { file: file.key, station: 5, column: 'is_renting', value: '2', reason: 'the flag is not 0 or 1' },
      {
        file: file.key,
        station: 6,
        column: 'station_id',
        value: String(A),
        reason: 'the station is given twice in the snapshot (the first is kept)',
      },
    ]);
    expect((await table(STATUS_TABLE)).map((r) => [r.station_id, r.docks])).toEqual([[String(A), 32]]);
  });

  it("keeps the day's latest station list; its unreadable stations are rejects of its file", async () => {
    const date = '2025-10-18';
    const slots = daySlots(date, 15);
    const list = JSON.parse(await readFile(INFORMATION_SAMPLE, 'utf8')) as { data: { stations: Station[] } };
    const later = list.data.stations.map((s) =>
      s.station_id === A ? { ...s, name: 'Renamed' } : s.station_id === B ? { ...s, lat: 'north' } : s,
    );
    const status = await statusDay(date, [], () => [[A, { mechanical: 1, ebike: 0, docks: 3 }]]);
    const noon = await snapshotFile(
      date,
      'velib-stations',
      slots[48] as Slot,
      JSON.stringify({ data: { stations: later } }),
    );
    // Written (arrived) after the noon list, but taken before it: the noon list is the latest.
    const morning = await snapshotFile(date, 'velib-stations', slots[0] as Slot, JSON.stringify(list));
    const { result, rejects, table } = await runDay(date, [...status, noon, morning]);
    expect(result.rows).toEqual({ read: 96, written: 96, rejected: 0 });
    const stations = await table(STATIONS_TABLE);
    expect(stations).toHaveLength(1494);
    expect(stations.find((s) => s.station_id === String(A))?.name).toBe('Renamed');
    expect(rejects).toEqual([
      {
        file: noon.key,
        station: list.data.stations.findIndex((s) => s.station_id === B) + 1,
        column: 'lat',
        value: 'north',
        reason: 'the latitude is not a number of degrees',
      },
    ]);
  });

  it('fails the day naming a snapshot that is not JSON', async () => {
    const date = '2025-10-18';
    const [first, second] = daySlots(date, 15) as [Slot, Slot];
    const station = stationAt((await sampleStations()).get(A) as Station, { mechanical: 1, ebike: 0, docks: 3 }, first);
    const good = await snapshotFile(date, 'velib', first, JSON.stringify({ data: { stations: [station] } }));
    const bad = await snapshotFile(date, 'velib', second, '<html>oops</html>');
    const error = await runDay(date, [good, bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadDataError);
    expect((error as Error).message).toMatch(
      /^raw\/cityflow-velib\/dt=2025-10-18\/velib\/0015\.json: not a GBFS answer/,
    );
  });
});

describe('the report sections', () => {
  const counts = (_slot: Slot, index: number): ReadonlyArray<readonly [number, Counts]> => [
    [A, index < 48 ? { mechanical: 2, ebike: 1, docks: 32 } : { mechanical: 0, ebike: 0, docks: 35 }],
    [B, { mechanical: 4, ebike: 6, docks: 0 }],
    [C, { mechanical: index % 2 === 0 ? 1 : 3, ebike: 0, docks: 20 }],
  ];

  it('shows the day: coverage, bikes per slot with missed slots empty, the most volatile stations by name', async () => {
    const date = '2025-10-18';
    const day = await runDay(date, [
      ...(await statusDay(date, ['0300', '0315', '1200'], counts)),
      await stationList(date),
    ]);
    const section = await cityflowVelibDataset.report.day({
      date,
      alongside: {},
      config,
      db: scratch.connection,
      metrics: day.metrics.document,
      tables: { [STATUS_TABLE]: day.tablePath(STATUS_TABLE) },
    });
    expect(section.summary).toBe(
      '93 of 96 snapshots taken, 13 bikes available on average (7 mechanical, 6 electric), 12 station-hours empty and 23 full',
    );
    expect(section.figures.find((f) => f.key === 'completeness')?.value).toBe(0.96875);
    const chart = section.charts[0];
    expect(chart?.kind).toBe('time');
    if (chart?.kind !== 'time') return;
    expect(chart.instants).toHaveLength(96);
    // Slots 11 (0245: A 2 + 1, B 4 + 6, C 3) and 14 (0330: A 2 + 1, B 4 + 6, C 1); 12 and 13 missed.
    expect(chart.series.map((s) => [s.id, s.values[11], s.values[12], s.values[13], s.values[14]])).toEqual([
      ['mechanical', 9, null, null, 7],
      ['electric', 7, null, null, 7],
    ]);
    expect(section.tables[0]?.rows).toEqual([
      ['32304', 'Charcot - Benfleet', 182, 93],
      ['16107', 'Benjamin Godard - Victor Hugo', 3, 93],
    ]);
  });

  it('sums a month from its days: coverage over all slots, bikes weighted by the hours taken', async () => {
    const first = await runDay('2025-10-18', await statusDay('2025-10-18', ['0300', '0315', '1200'], counts));
    const constant = (): ReadonlyArray<readonly [number, Counts]> => [[B, { mechanical: 4, ebike: 6, docks: 0 }]];
    const second = await runDay('2025-10-19', await statusDay('2025-10-19', [], constant));
    const section = await cityflowVelibDataset.report.period({
      kind: 'month',
      period: '2025-10',
      config,
      db: scratch.connection,
      days: [
        { date: '2025-10-18', tables: { [STATUS_TABLE]: first.tablePath(STATUS_TABLE) } },
        { date: '2025-10-19', tables: { [STATUS_TABLE]: second.tablePath(STATUS_TABLE) } },
      ],
      before: [],
    });
    const values = (figures: readonly { key: string; value: unknown }[]) =>
      Object.fromEntries(figures.map((f) => [f.key, f.value]));
    expect(section.daily.map((d) => values(d.figures))).toEqual([
      {
        days: 1,
        completeness: 0.96875,
        'bikesAvailable.total': 13.495,
        'bikesAvailable.mechanical': 7,
        'bikesAvailable.electric': 6.495,
        'stationHours.empty': 11.75,
        'stationHours.full': 23.25,
      },
      {
        days: 1,
        completeness: 1,
        'bikesAvailable.total': 10,
        'bikesAvailable.mechanical': 4,
        'bikesAvailable.electric': 6,
        'stationHours.empty': 0,
        'stationHours.full': 24,
      },
    ]);
    // 189 of 192 slots; (313.75 + 240) / (23.25 + 24) bikes, (162.75 + 96) / 47.25 mechanical, (151 + 144) / 47.25 electric.
    expect(section.monthly).toEqual([
      {
        month: '2025-10',
        figures: expect.arrayContaining([
          expect.objectContaining({ key: 'completeness', value: 0.984375 }),
          expect.objectContaining({ key: 'bikesAvailable.total', value: 11.72 }),
          expect.objectContaining({ key: 'bikesAvailable.mechanical', value: 5.476 }),
          expect.objectContaining({ key: 'bikesAvailable.electric', value: 6.243 }),
          expect.objectContaining({ key: 'stationHours.full', value: 47.25 }),
        ]) as unknown,
      },
    ]);
  });
});
