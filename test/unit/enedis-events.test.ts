/**
 * C15 events between R151 readings on real DuckDB, in the layout of the real flows: a contract
 * start, two daily R151 readings, then a meter reset (before BASE 1 480, after BASE 0) or a meter
 * change whose classes are the same on both sides. The readings before and after the event are two
 * readings: the period before it ends on "before", the one after starts on "after", and the
 * `index_decreasing` check lets the event's fall through while it still blocks a fall with no event.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DayFile } from '../../src/datasets/inputs.js';
import { enedisChecks } from '../../src/datasets/enedis/checks.js';
import { INDEX_TABLE, STATED_TABLE } from '../../src/datasets/enedis/day-transform.js';
import { enedisEnergies } from '../../src/datasets/enedis/energies.js';
import { transformEnedisFiles } from '../../src/datasets/enedis/day-transform.js';
import { sqlString } from '../../src/duckdb/columns.js';
import { runChecks } from '../../src/quality/run-checks.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { c15Event, r151Flow, type R151Reading } from '../support/enedis-flows.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-enedis-events-');
const PRM = '99660599682036';
const config = { jumpKWh: 1000 };
const DAYS = datesInRange('2024-09-30', '2024-10-05');

let written = 0;
async function fileOf(body: string, order: number): Promise<DayFile> {
  written += 1;
  const file = path.join(scratch.dir, `flow-${written}.xml`);
  await writeFile(file, body);
  return {
    source: 'drop',
    key: `raw/enedis/x/flow-${written}.xml`,
    path: file,
    sha256: await sha256OfFile(file),
    order,
    options: {},
  };
}

/** R151 BASE readings (Wh) of the PRM, by date. */
const r151 = (wh: Readonly<Record<string, number>>) =>
  r151Flow(Object.entries(wh).map(([date, base]): R151Reading => ({ prm: PRM, date, wh: { BASE: base } })));

/**
 * The scenario's flows: a contract start on 10-01 (after BASE 1 450), R151 readings of 10-01 and
 * 10-02, a C15 `event` on 10-04 at 00:01 (before and after), then R151 readings of `later` days.
 */
async function scenario(event: { before: number; after: number } | null, later: Readonly<Record<string, number>>) {
  const files = [
    await fileOf(c15Event(PRM, '2024-10-01T00:01:00+02:00', null, { BASE: 1_450 }, 'CFNE'), 0),
    await fileOf(r151({ '2024-10-01': 1_460_200, '2024-10-02': 1_470_900 }), 1),
    await fileOf(r151(later), 3),
  ];
  if (event)
    files.push(
      await fileOf(c15Event(PRM, '2024-10-04T00:01:00+02:00', { BASE: event.before }, { BASE: event.after }), 2),
    );
  const tables: Record<string, string> = {};
  for (const date of DAYS) {
    const out = await mkdtemp(path.join(scratch.dir, `${date}-`));
    await transformEnedisFiles({
      date,
      config,
      db: scratch.connection,
      files,
      tablePath: (table) => path.join(out, `${table}.parquet`),
      rejectsPath: path.join(out, 'rejects.jsonl'),
      scratchDir: out,
    });
    tables[date] = path.join(out, `${INDEX_TABLE}.parquet`);
  }
  return tables;
}

async function energies(tables: Record<string, string>, from: string, to: string) {
  const rows = (
    await scratch.connection.runAndReadAll(enedisEnergies.sql({ from, to, files: Object.values(tables), meters: [] }))
  ).getRowObjectsJson();
  return rows.map((r) => [
    r.class,
    r.start_index_kwh === null ? null : Number(r.start_index_kwh),
    r.end_index_kwh === null ? null : Number(r.end_index_kwh),
    r.energy_kwh === null ? null : Number(r.energy_kwh),
    r.verdict,
    r.reason,
  ]);
}

/** `index_decreasing` and `index_jump` of `date` against the day before: [name, passed, observed]. */
async function checks(tables: Record<string, string>, date: string, before: string) {
  const results = await runChecks({
    checks: enedisChecks,
    date,
    config,
    db: scratch.connection,
    tables: {
      [INDEX_TABLE]: { path: tables[date] ?? '', key: `processed/enedis/dt=${date}/index_readings.parquet` },
      [STATED_TABLE]: {
        path: path.join(path.dirname(tables[date] ?? ''), `${STATED_TABLE}.parquet`),
        key: `processed/enedis/dt=${date}/stated_energies.parquet`,
      },
    },
    previous: { [INDEX_TABLE]: tables[before] ?? '' },
    accept: [],
    rows: { read: 0, written: 1, rejected: 0 },
  });
  return results.filter((r) => r.name !== 'stated_energy');
}

const verdicts = (results: Awaited<ReturnType<typeof checks>>) => results.map((r) => [r.name, r.passed, r.observed]);
const PASS = [
  ['index_decreasing', true, 0],
  ['index_jump', true, 0],
];

describe('a C15 meter reset between two R151 readings', () => {
  it('keeps both sides: the energy up to the event ends on "before", the one after starts on "after"', async () => {
    const tables = await scenario({ before: 1_480, after: 0 }, { '2024-10-04': 5_300, '2024-10-05': 12_700 });
    const day = (
      await scratch.connection.runAndReadAll(
        `SELECT flow, qualification, index_kwh::INTEGER AS index_kwh FROM read_parquet(${sqlString(tables['2024-10-03'] ?? '')})`,
      )
    ).getRowObjectsJson();
    expect(day).toEqual([
      { flow: 'C15', qualification: 'before', index_kwh: 1480 },
      { flow: 'C15', qualification: 'after', index_kwh: 0 },
    ]);
    // October 1–3: 1 480 (before the reset) − 1 450 (the contract start), as the flow says.
    expect(await energies(tables, '2024-10-01', '2024-10-03')).toEqual([['BASE', 1450, 1480, 30, 'real', null]]);
    expect(await energies(tables, '2024-10-04', '2024-10-05')).toEqual([['BASE', 0, 12, 12, 'real', null]]);
    expect(await energies(tables, '2024-10-01', '2024-10-05')).toEqual([
      ['BASE', 1450, 12, null, 'not computable', 'a contract change in between (C15 MCT at 2024-10-04 00:00 Paris)'],
    ]);
    // The reset does not block its day nor the next; a fall after it with no event does.
    expect(verdicts(await checks(tables, '2024-10-03', '2024-10-02'))).toEqual(PASS);
    expect(verdicts(await checks(tables, '2024-10-04', '2024-10-03'))).toEqual(PASS);
    const fallen = await scenario({ before: 1_480, after: 0 }, { '2024-10-04': 5_300, '2024-10-05': 2_100 });
    const blocked = await checks(fallen, '2024-10-05', '2024-10-04');
    expect(verdicts(blocked)[0]).toEqual(['index_decreasing', false, 1]);
    expect(blocked[0]?.sample[0]).toMatchObject({
      prm: PRM,
      class: 'BASE',
      index_before: 5,
      index_kwh: 2,
      rise_kwh: -3,
    });
  });

  it('blocks the same fall when no C15 event carries it', async () => {
    const tables = await scenario(null, { '2024-10-03': 1_480_000, '2024-10-04': 5_300, '2024-10-05': 12_700 });
    const blocked = await checks(tables, '2024-10-04', '2024-10-03');
    expect(verdicts(blocked)[0]).toEqual(['index_decreasing', false, 1]);
    expect(blocked[0]?.sample[0]).toMatchObject({ prm: PRM, index_before: 1480, index_kwh: 5, rise_kwh: -1475 });
    expect(await energies(tables, '2024-10-01', '2024-10-05')).toEqual([
      ['BASE', 1450, 12, null, 'not computable', 'the index went down'],
    ]);
  });
});

describe('a C15 meter change whose classes are the same on both sides', () => {
  it('gives the energy up to the event from "before", never from the new meter\'s higher index', async () => {
    const tables = await scenario(
      { before: 1_480, after: 25_000 },
      { '2024-10-03': 1_480_500, '2024-10-04': 25_005_000, '2024-10-05': 25_012_000 },
    );
    expect(await energies(tables, '2024-10-01', '2024-10-03')).toEqual([['BASE', 1450, 1480, 30, 'real', null]]);
    expect(await energies(tables, '2024-10-04', '2024-10-05')).toEqual([['BASE', 25000, 25012, 12, 'real', null]]);
    // The new meter's index is no jump, the R151 reading beside the event no fall.
    expect(verdicts(await checks(tables, '2024-10-03', '2024-10-02'))).toEqual(PASS);
    expect(verdicts(await checks(tables, '2024-10-04', '2024-10-03'))).toEqual(PASS);
  });
});
