/**
 * R15 flows on real DuckDB, written in the layout of the real (anonymised) R15: indexes and the
 * energies they state for the period since the previous reading become index readings and
 * `stated_energies`; `courant energies` and the `stated_energy` check compare the two; the unit is
 * read from the header when the values do not state one; a value that is not a number is rejected
 * with its line.
 */
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { enedisChecks } from '../../src/datasets/enedis/checks.js';
import { EVENT_TABLE, INDEX_TABLE, STATED_TABLE } from '../../src/datasets/enedis/day-transform.js';
import { DELIVERY_TABLE } from '../../src/datasets/enedis/delivery-table.js';
import { enedisEnergies } from '../../src/datasets/enedis/energies.js';
import { transformEnedisFiles } from '../../src/datasets/enedis/day-transform.js';
import { enedisDrop } from '../../src/datasets/enedis/drop.js';
import { sqlString } from '../../src/duckdb/columns.js';
import { runChecks } from '../../src/quality/run-checks.js';
import { r151Flow, r15Flow, type R15Reading, type R15Units } from '../support/enedis-flows.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-enedis-r15-');
const PRM = '99147508449444';
const config = { jumpKWh: 1000 };

/** Two monthly-style readings of one PRM, a day apart: the second states the energy of 07-01. */
function readings(statedKWh: number, scale = 1): R15Reading[] {
  return [
    {
      prm: PRM,
      at: '2024-07-01T00:01:00+02:00',
      previousAt: '2024-06-01T00:00:00+02:00',
      index: { BASE: 10_060 * scale },
      previousIndex: { BASE: 9_800 * scale },
      energy: { BASE: 260 * scale },
    },
    {
      prm: PRM,
      at: '2024-07-02T00:01:00+02:00',
      previousAt: '2024-07-01T00:00:00+02:00',
      index: { BASE: 10_160 * scale },
      previousIndex: { BASE: 10_060 * scale },
      energy: { BASE: statedKWh * scale },
    },
  ];
}

let written = 0;
async function fileOf(body: string | { fixture: string }, order = 0): Promise<DayFile> {
  written += 1;
  const file = path.join(scratch.dir, `r15-${written}.xml`);
  if (typeof body === 'string') await writeFile(file, body);
  else await copyFile(body.fixture, file);
  return {
    source: 'drop',
    key: `raw/enedis/x/r15-${written}.xml`,
    path: file,
    sha256: await sha256OfFile(file),
    order,
    options: {},
  };
}

async function runDay(date: string, files: readonly DayFile[]) {
  const out = await mkdtemp(path.join(scratch.dir, `${date}-`));
  const tablePath = (table: string) => path.join(out, `${table}.parquet`);
  const result = await transformEnedisFiles({
    date,
    config,
    db: scratch.connection,
    files,
    tablePath,
    rejectsPath: path.join(out, 'rejects.jsonl'),
    scratchDir: out,
  });
  const rows = async (table: string, columns: string) =>
    (
      await scratch.connection.runAndReadAll(`SELECT ${columns} FROM read_parquet(${sqlString(tablePath(table))})`)
    ).getRowObjectsJson();
  const utc = (column: string) => `strftime(${column} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS ${column}`;
  const rejects = await readFile(path.join(out, 'rejects.jsonl'), 'utf8').catch(() => '');
  return {
    result,
    index: tablePath(INDEX_TABLE),
    stated: tablePath(STATED_TABLE),
    indexes: await rows(INDEX_TABLE, `prm, flow, ${utc('reading_at')}, class, index_kwh::DOUBLE AS index_kwh, nature`),
    readings: await rows(
      INDEX_TABLE,
      `${utc('reading_at')}, class_kind, calendar, class, index_kwh::DOUBLE AS index_kwh, nature, qualification, line`,
    ),
    energies: await rows(
      STATED_TABLE,
      `prm, flow, ${utc('period_start')}, ${utc('period_end')}, class_kind, class, energy_kwh, line`,
    ),
    rejects: rejects
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** Both days of the readings, the energies of 07-01 and the day's checks. */
async function compare(statedKWh: number, units?: R15Units, scale = 1) {
  const file = await fileOf(r15Flow(readings(statedKWh, scale), units));
  const before = await runDay('2024-06-30', [file]);
  const day = await runDay('2024-07-01', [file]);
  const energies = (
    await scratch.connection.runAndReadAll(
      enedisEnergies.sql({ from: '2024-07-01', to: '2024-07-01', files: [before.index, day.index], meters: [] }),
    )
  ).getRowObjectsJson();
  const checks = await runChecks({
    checks: enedisChecks,
    date: '2024-07-01',
    config,
    db: scratch.connection,
    tables: {
      [INDEX_TABLE]: { path: day.index, key: 'processed/enedis/dt=2024-07-01/index_readings.parquet' },
      [STATED_TABLE]: { path: day.stated, key: 'processed/enedis/dt=2024-07-01/stated_energies.parquet' },
    },
    previous: { [INDEX_TABLE]: before.index },
    accept: [],
    rows: day.result.rows,
  });
  return { before, day, energies, check: checks.find((c) => c.name === 'stated_energy') };
}

describe('an R15 flow', () => {
  it('keeps its indexes as readings and its stated energies, and an energy equal to its indexes passes', async () => {
    const { before, day, energies, check } = await compare(100);
    expect(before.result).toEqual({
      tables: [INDEX_TABLE, STATED_TABLE, DELIVERY_TABLE, EVENT_TABLE],
      rows: { read: 6, written: 2, rejected: 0 },
    });
    // 07-01 00:00 is read twice, by the first reading and as the second's previous one: one reading,
    // the actual one.
    expect(before.indexes).toEqual([
      { prm: PRM, flow: 'R15', reading_at: '2024-06-30T22:00:00Z', class: 'BASE', index_kwh: 10060, nature: 'real' },
    ]);
    expect(day.indexes).toEqual([
      { prm: PRM, flow: 'R15', reading_at: '2024-07-01T22:00:00Z', class: 'BASE', index_kwh: 10160, nature: 'real' },
    ]);
    // The second reading's energy closes 07-01 (its end, 07-02 00:01, stands for midnight).
    expect(day.energies).toEqual([
      {
        prm: PRM,
        flow: 'R15',
        period_start: '2024-06-30T22:00:00Z',
        period_end: '2024-07-01T22:00:00Z',
        class_kind: 'distributor',
        class: 'BASE',
        energy_kwh: 100,
        line: 14,
      },
    ]);
    // The first reading's energy (June) closes 06-30.
    expect(before.energies.map((e) => [e.period_start, e.energy_kwh])).toEqual([['2024-05-31T22:00:00Z', 260]]);
    expect(energies.map((r) => [r.class, Number(r.energy_kwh), r.stated_energy_kwh, r.difference_kwh])).toEqual([
      ['BASE', 100, 100, 0],
    ]);
    expect(check).toMatchObject({ passed: true, observed: 0, severity: 'warn' });
  });

  it('reports an energy that differs from its indexes: in the energies and as a failed warning naming the PRM', async () => {
    const { energies, check } = await compare(90);
    expect(energies.map((r) => [r.class, Number(r.energy_kwh), r.stated_energy_kwh, r.difference_kwh])).toEqual([
      ['BASE', 100, 90, 10],
    ]);
    expect(check).toMatchObject({ passed: false, observed: 1, severity: 'warn' });
    expect(check?.sample[0]).toMatchObject({
      prm: PRM,
      class: 'BASE',
      stated_energy_kwh: 90,
      computed_energy_kwh: 100,
      difference_kwh: 10,
    });
  });

  it('reads its unit from the header: a Wh R15 and a kWh R15 give the same kWh', async () => {
    const wh = await compare(100, { header: 'Wh' }, 1000);
    const kwh = await compare(100, { value: 'kWh' });
    expect(wh.day.indexes).toEqual(kwh.day.indexes);
    expect(wh.day.energies.map(({ line: _line, ...e }) => e)).toEqual(
      kwh.day.energies.map(({ line: _line, ...e }) => e),
    );
    expect(wh.energies).toEqual(kwh.energies);
    expect(wh.check).toMatchObject({ passed: true, observed: 0 });
  });

  it('rejects a value that is not a number with its line, and keeps the rest', async () => {
    const body = r15Flow([{ ...readings(100)[1]!, energy: { BASE: '1OO' } }]);
    const { result, rejects, indexes } = await runDay('2024-07-01', [await fileOf(body)]);
    // The index, its previous reading (dated 07-01, another day) and the energy.
    expect(result.rows).toEqual({ read: 3, written: 1, rejected: 1 });
    expect(indexes).toHaveLength(1);
    expect(rejects.map(({ file: _file, ...r }) => r)).toEqual([
      { line: 7, column: 'Valeur', value: '1OO', reason: 'the energy is not a number' },
    ]);
  });
});

/** The energies of `from`..`to` over the days' index tables, as [class, energy, verdict, stated, difference]. */
async function energiesOf(from: string, to: string, tables: readonly string[]) {
  const rows = (
    await scratch.connection.runAndReadAll(enedisEnergies.sql({ from, to, files: tables, meters: [] }))
  ).getRowObjectsJson();
  return rows.map((r) => [
    r.class,
    r.energy_kwh === null ? null : Number(r.energy_kwh),
    r.verdict,
    r.stated_energy_kwh,
    r.difference_kwh,
  ]);
}

describe('an R15 previous reading (Valeur_Precedent)', () => {
  const REAL_R15 = path.join('test', 'fixtures', 'enedis', 'electricore_r15.xml');

  it('is a reading of its own: a single real R15 gives the energy of its period, equal to what it states', async () => {
    const file = await fileOf({ fixture: REAL_R15 });
    expect(
      await enedisDrop.days({
        db: scratch.connection,
        path: file.path,
        file: file.key,
        sha256: file.sha256,
        options: {},
        config,
        now: new Date('2024-08-01T00:00:00Z'),
      }),
    ).toEqual(['2024-06-30', '2024-07-29']);
    const start = await runDay('2024-06-30', [file]);
    const end = await runDay('2024-07-29', [file]);
    // Valeur_Precedent at Date_Releve_Precedent (07-01 00:00), its nature from Nature_Index_Precedent,
    // distributor and supplier classes apart, each with the line of its Valeur_Precedent element.
    expect(start.readings).toEqual([
      {
        reading_at: '2024-06-30T22:00:00Z',
        class_kind: 'distributor',
        calendar: 'DI000001',
        class: 'BASE',
        index_kwh: 10060,
        nature: 'real',
        qualification: 'previous',
        line: 45,
      },
      {
        reading_at: '2024-06-30T22:00:00Z',
        class_kind: 'supplier',
        calendar: 'FC022034',
        class: 'BASE',
        index_kwh: 15175,
        nature: 'real',
        qualification: 'previous',
        line: 75,
      },
    ]);
    expect(end.readings).toEqual([
      {
        reading_at: '2024-07-29T22:00:00Z',
        class_kind: 'distributor',
        calendar: 'DI000001',
        class: 'BASE',
        index_kwh: 10160,
        nature: 'real',
        qualification: null,
        line: 37,
      },
      {
        reading_at: '2024-07-29T22:00:00Z',
        class_kind: 'supplier',
        calendar: 'FC022034',
        class: 'BASE',
        index_kwh: 15276,
        nature: 'real',
        qualification: null,
        line: 67,
      },
    ]);
    expect(start.energies).toEqual([]);
    expect(end.energies.map((e) => [e.class_kind, e.period_start, e.period_end, e.energy_kwh])).toEqual([
      ['distributor', '2024-06-30T22:00:00Z', '2024-07-29T22:00:00Z', 100],
      ['supplier', '2024-06-30T22:00:00Z', '2024-07-29T22:00:00Z', 101],
    ]);
    // 10 160 − 10 060: the 100 kWh the flow states, real at both ends.
    expect(await energiesOf('2024-07-01', '2024-07-29', [start.index, end.index])).toEqual([
      ['BASE', 100, 'real', 100, 0],
    ]);
  });

  it('gives way to the actual reading of the same instant, whichever file arrives last', async () => {
    // An earlier R15 delivered 07-01 00:00 itself (10 061, real); the next states it as previous (10 060, estimated).
    const earlier = r15Flow([
      {
        prm: PRM,
        at: '2024-07-01T00:01:00+02:00',
        previousAt: '2024-06-01T00:00:00+02:00',
        index: { BASE: 10_061 },
        previousIndex: { BASE: 9_800 },
        energy: { BASE: 261 },
      },
    ]);
    const next = r15Flow([
      {
        prm: PRM,
        at: '2024-07-30T00:01:00+02:00',
        previousAt: '2024-07-01T00:00:00+02:00',
        index: { BASE: 10_160 },
        previousIndex: { BASE: 10_060 },
        energy: { BASE: 100 },
      },
    ]).replace('<Nature_Index_Precedent>REEL', '<Nature_Index_Precedent>ESTIME');
    for (const [first, second] of [
      [earlier, next],
      [next, earlier],
    ] as const) {
      const files = [await fileOf(first, 0), await fileOf(second, 1)];
      const day = await runDay('2024-06-30', files);
      expect(day.readings.map((r) => [r.reading_at, r.index_kwh, r.nature, r.qualification])).toEqual([
        ['2024-06-30T22:00:00Z', 10061, 'real', null],
      ]);
    }
    // Alone, the next R15's previous reading keeps its stated nature: the period is estimated.
    const alone = await fileOf(next);
    const start = await runDay('2024-06-30', [alone]);
    const end = await runDay('2024-07-29', [alone]);
    expect(start.readings.map((r) => [r.index_kwh, r.nature, r.qualification])).toEqual([
      [10060, 'estimated', 'previous'],
    ]);
    expect(await energiesOf('2024-07-01', '2024-07-29', [start.index, end.index])).toEqual([
      ['BASE', 100, 'estimated', 100, 0],
    ]);
  });

  it("gives way, in the energies, to another flow's reading of the same instant", async () => {
    const r15 = await fileOf({ fixture: REAL_R15 });
    // An R151 of 06-30 closes 07-01 00:00 too: 10 061 kWh, against the R15's stated 10 060.
    const r151 = await fileOf(
      r151Flow([{ prm: PRM, date: '2024-06-30', wh: { BASE: 10_061_400 }, calendar: 'DI000001' }]),
    );
    const start = await runDay('2024-06-30', [r15, r151]);
    const end = await runDay('2024-07-29', [r15, r151]);
    expect(
      start.readings.filter((r) => r.class_kind === 'distributor').map((r) => [r.index_kwh, r.qualification]),
    ).toEqual([
      [10060, 'previous'],
      [10061, null],
    ]);
    expect(await energiesOf('2024-07-01', '2024-07-29', [start.index, end.index])).toEqual([
      ['BASE', 99, 'real', 100, -1],
    ]);
  });

  it('without its date, or dated after its reading, is a reject naming the file, line and element, never a reading', async () => {
    const reading: R15Reading = {
      prm: PRM,
      at: '2024-07-30T00:01:00+02:00',
      previousAt: '2024-07-01T00:00:00+02:00',
      index: { BASE: 10_160 },
      previousIndex: { BASE: 10_060 },
      energy: { BASE: 100 },
    };
    const undated = await fileOf(
      r15Flow([reading]).replace(/<Date_Releve_Precedent>[^<]*<\/Date_Releve_Precedent>/, ''),
    );
    const { result, rejects, readings } = await runDay('2024-07-29', [undated]);
    expect(readings.map((r) => [r.index_kwh, r.qualification])).toEqual([[10160, null]]);
    expect(result.rows).toEqual({ read: 3, written: 1, rejected: 2 });
    expect(rejects).toEqual([
      {
        file: undated.key,
        line: 6,
        column: 'Date_Releve_Precedent',
        value: null,
        reason: 'the previous reading has no date',
      },
      {
        file: undated.key,
        line: 7,
        column: 'Date_Releve_Precedent',
        value: null,
        reason: 'the period start is not a date before the reading',
      },
    ]);

    const late = await fileOf(r15Flow([{ ...reading, previousAt: '2024-08-01T00:00:00+02:00' }]));
    const after = await runDay('2024-07-31', [late]);
    expect(after.readings).toEqual([]);
    expect(after.rejects.filter((r) => r.line === 6)).toEqual([
      {
        file: late.key,
        line: 6,
        column: 'Date_Releve_Precedent',
        value: '2024-08-01T00:00:00+02:00',
        reason: 'the previous reading is not dated before its reading',
      },
    ]);

    const garbled = await fileOf(r15Flow([{ ...reading, previousIndex: { BASE: '10O60' } }]));
    const start = await runDay('2024-06-30', [garbled]);
    expect(start.readings).toEqual([]);
    expect(start.rejects).toEqual([
      { file: garbled.key, line: 6, column: 'Valeur_Precedent', value: '10O60', reason: 'the index is not a number' },
    ]);
  });
});
