/**
 * Energies per PRM and period on real DuckDB, over index readings written by the module's own
 * transform from flows in the real layout: a month of daily R151 indexes, a C15 contract change in
 * the middle of a period, a missing end, an index that goes down, the roll-ups.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { INDEX_TABLE } from '../../src/datasets/enedis/day-transform.js';
import { enedisEnergies } from '../../src/datasets/enedis/energies.js';
import { transformEnedisFiles } from '../../src/datasets/enedis/day-transform.js';
import { enedisDataset } from '../../src/datasets/enedis/module.js';
import { LISTED_ENERGIES } from '../../src/datasets/enedis/report.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { c15Event, r151Days, r151Flow } from '../support/enedis-flows.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-enedis-energies-');
const PRM = '99000000000007';
const DAILY_WH = { HCB: 4_500, HCH: 0, HPB: 7_250, HPH: 0 };
const START_WH = { HCB: 1_000_400, HCH: 2_000_900, HPB: 3_000_000, HPH: 4_000_999 };

let written = 0;
async function flowFile(body: string, order: number): Promise<DayFile> {
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

/** Each day of `dates` transformed from the files: the local index_readings of the days that have any. */
async function store(dates: readonly string[], files: readonly DayFile[]): Promise<string[]> {
  const tables: string[] = [];
  for (const date of dates) {
    const out = await mkdtemp(path.join(scratch.dir, `${date}-`));
    const result = await transformEnedisFiles({
      date,
      config: { jumpKWh: 1000 },
      db: scratch.connection,
      files,
      tablePath: (table) => path.join(out, `${table}.parquet`),
      rejectsPath: path.join(out, 'rejects.jsonl'),
      scratchDir: out,
    });
    if (result.rows.written > 0) tables.push(path.join(out, `${INDEX_TABLE}.parquet`));
  }
  return tables;
}

async function energies(from: string, to: string, files: readonly string[]) {
  const rows = (
    await scratch.connection.runAndReadAll(enedisEnergies.sql({ from, to, files, meters: [] }))
  ).getRowObjectsJson();
  return rows.map((r) => [r.class, r.energy_kwh === null ? null : Number(r.energy_kwh), r.verdict, r.reason]);
}

const january = datesInRange('2023-12-31', '2024-01-31');

describe('energies from daily R151 indexes', () => {
  it('gives each class of January its index difference, Wh floored per index, rolled up into HC, HP and BASE', async () => {
    const flow = await flowFile(r151Flow(r151Days(PRM, january, START_WH, DAILY_WH)), 0);
    const files = await store(january, [flow]);
    // 31 days: floor((start + 31 × daily) / 1000) − floor(start / 1000).
    const kwh = (cls: keyof typeof START_WH) =>
      Math.floor((START_WH[cls] + 31 * DAILY_WH[cls]) / 1000) - Math.floor(START_WH[cls] / 1000);
    expect(kwh('HCB')).toBe(139);
    expect(await energies('2024-01-01', '2024-01-31', files)).toEqual([
      ['HCB', kwh('HCB'), 'real', null],
      ['HCH', 0, 'real', null],
      ['HPB', kwh('HPB'), 'real', null],
      ['HPH', 0, 'real', null],
      ['BASE', kwh('HCB') + kwh('HPB'), 'real', null],
      ['HC', kwh('HCB'), 'real', null],
      ['HP', kwh('HPB'), 'real', null],
    ]);
    // One day: the day's own rise.
    const day = await energies('2024-01-10', '2024-01-10', files);
    expect(day.find((r) => r[0] === 'HPB')).toEqual(['HPB', 7, 'real', null]);
  });

  it('says why a period is not computable: a missing end, a contract change in between, an index that went down', async () => {
    const flow = await flowFile(r151Flow(r151Days(PRM, january, START_WH, DAILY_WH)), 0);
    const files = await store(january, [flow]);
    const missing = await energies('2024-01-20', '2024-02-05', files);
    expect(missing[0]).toEqual(['HCB', null, 'not computable', 'no reading at the end of the period']);
    expect(missing.find((r) => r[0] === 'BASE')).toEqual([
      'BASE',
      null,
      'not computable',
      'a class of the roll-up is not computable',
    ]);

    const event = await flowFile(
      c15Event(PRM, '2024-01-15T00:01:00+01:00', { HCB: 1_062, HPB: 3_101 }, { HCB: 1_062, HPB: 3_101 }),
      1,
    );
    const withEvent = await store(january, [flow, event]);
    expect((await energies('2024-01-10', '2024-01-20', withEvent))[0]).toEqual([
      'HCB',
      null,
      'not computable',
      'a contract change in between (C15 MCT at 2024-01-15 00:00 Paris)',
    ]);
    // A period that starts at the event takes the reading after it, and C15 wins over R151 there.
    // 1 090 kWh (R151, end of 01-20) − 1 062 kWh (C15 at 01-15 00:00; R151 says 1 063 there).
    expect((await energies('2024-01-15', '2024-01-20', withEvent)).find((r) => r[0] === 'HCB')).toEqual([
      'HCB',
      28,
      'real',
      null,
    ]);

    const down = await flowFile(
      r151Flow([
        { prm: PRM, date: '2024-01-31', wh: { HCB: 900_000, HCH: 2_000_900, HPB: 3_500_000, HPH: 4_000_999 } },
      ]),
      2,
    );
    const lowered = await store(january, [flow, down]);
    expect((await energies('2024-01-01', '2024-01-31', lowered))[0]).toEqual([
      'HCB',
      null,
      'not computable',
      'the index went down',
    ]);
  });
});

describe('the monthly report’s energies', () => {
  it('sums every PRM’s energy but lists only the first rows, saying how many there are', async () => {
    const ends = ['2024-03-31', '2024-04-30'];
    const prms = Array.from({ length: 150 }, (_, i) => `990000000${String(10_000 + i)}`);
    const each = { HCB: 1_000, HCH: 1_000, HPB: 1_000, HPH: 1_000 };
    const flow = await flowFile(r151Flow(prms.flatMap((prm) => r151Days(prm, ends, START_WH, each))), 0);
    const [before = '', last = ''] = await store(ends, [flow]);
    const section = await enedisDataset.report.period({
      kind: 'month',
      period: '2024-04',
      config: { jumpKWh: 1000 },
      db: scratch.connection,
      days: [{ date: '2024-04-30', tables: { [INDEX_TABLE]: last } }],
      before: [before],
    });
    // Four classes, HC, HP and BASE per PRM: 1 050 rows; each class rose by 1 kWh.
    const table = section.tables.find((t) => t.id === 'enedis-energies');
    expect(table?.title).toBe(
      `Energy per PRM over the month: the first ${LISTED_ENERGIES} of 1050 rows (all of them: courant energies)`,
    );
    expect(table?.rows).toHaveLength(LISTED_ENERGIES);
    expect(table?.rows[0]).toEqual([prms[0], 'HCB', 1_000, 1_001, 1, 'real', '']);
    const energy = section.figures.find((f) => f.key === 'energyKWh');
    expect([energy?.value, energy?.note]).toEqual([600, '150 PRM(s) computable']);
  });
});
