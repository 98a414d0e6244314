/**
 * Each stage of the month's billing query on its own, on real DuckDB and small tables written by
 * hand: what it reads (the relations before it, as rows), what it gives. The whole query over real
 * flows is test/unit/billing-month.test.ts's.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundRelations } from '../../src/billing/month/bounds.js';
import { energyRelations } from '../../src/billing/month/energies.js';
import { subPeriodRelations } from '../../src/billing/month/periods.js';
import { pricingRelations } from '../../src/billing/month/pricing.js';
import { PROBLEMS, problem } from '../../src/billing/month/problems.js';
import { monthScope, withRelations, type Relation } from '../../src/billing/month/relations.js';
import { loadRates } from '../../src/billing/rates.js';
import { ratesTablesSql } from '../../src/billing/rates-sql.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-billing-stages-');
const PRM = '11111111111111';

/** The rows `select` gives over `given` (the relations a stage reads, as SQL) then the stage's relations. */
async function rows(given: readonly Relation[], stage: readonly Relation[], select: string) {
  for (const statement of ratesTablesSql(loadRates())) await scratch.connection.run(statement);
  return (await scratch.connection.runAndReadAll(withRelations([...given, ...stage], select))).getRowObjectsJson();
}

/** `events` rows: [event, Paris instant, fta, kva, contract (C1), arrival (0)], each on its own line. */
function events(
  list: ReadonlyArray<readonly [string, string, string | null, number | null, string?, number?]>,
): Relation {
  const kind = (e: string) =>
    ['MES', 'PMES', 'CFNE'].includes(e) ? 'entry' : ['RES', 'CFNS'].includes(e) ? 'exit' : 'change';
  const values = list.map(
    ([event, at, fta, kva, contract = 'C1', arrival = 0], line) =>
      `('${PRM}', '${contract}', '${event}', TIMESTAMPTZ '${at}', (TIMESTAMPTZ '${at}' AT TIME ZONE 'Europe/Paris')::DATE,
        ${fta === null ? 'NULL' : `'${fta}'`}, ${kva === null ? 'NULL' : `${kva}::DECIMAL(9, 3)`}, '${kva ?? ''}', '${kind(event)}',
        'c15', ${arrival}, ${line})`,
  );
  return {
    name: 'events',
    sql: `SELECT * FROM (VALUES ${values.join(', ')})
      t(prm, contract, event, event_at, event_date, fta, kva, kva_text, kind, source, arrival, line)`,
  };
}

describe('stage 1, periods', () => {
  const march = monthScope({ month: '2024-03', prms: [] });

  it('cuts a contract at each change of FTA or kVA, not at an event that changes neither, and stops at its exit', async () => {
    const given = [
      events([
        ['MES', '2024-03-10T00:00:00+01:00', 'BTINFCU4', 6],
        ['MDPRM', '2024-03-15T00:00:00+01:00', 'BTINFCU4', 6],
        ['MCT', '2024-03-20T00:00:00+01:00', 'BTINFCU4', 9],
        ['RES', '2024-03-28T00:00:00+01:00', 'BTINFCU4', 9],
      ]),
    ];
    expect(
      await rows(
        given,
        subPeriodRelations(march),
        `SELECT strftime(from_date, '%d') AS "from", strftime(to_date, '%d') AS "to", days, kva::DOUBLE AS kva FROM sub_periods ORDER BY from_date`,
      ),
    ).toEqual([
      { from: '10', to: '20', days: 10, kva: 6 },
      { from: '20', to: '28', days: 8, kva: 9 },
    ]);
  });

  it('clips a contract in force to the month, and gives a row to a contract with only an event in the month', async () => {
    const given = [
      events([
        ['MES', '2024-01-05T00:00:00+01:00', 'BTINFCUST', 3],
        ['CFNS', '2024-03-01T00:00:00+01:00', 'BTINFCUST', 3, 'C0'],
        ['MES', '2023-12-01T00:00:00+01:00', 'BTINFCUST', 3, 'C0'],
      ]),
    ];
    expect(
      await rows(
        given,
        subPeriodRelations(march),
        `SELECT p.contract, strftime(p.from_date, '%m-%d') AS "from", strftime(p.to_date, '%m-%d') AS "to",
           (SELECT list(contract ORDER BY contract) FROM contract_months) AS months
         FROM sub_periods p ORDER BY contract`,
      ),
    ).toEqual([{ contract: 'C1', from: '03-01', to: '04-01', months: ['C0', 'C1'] }]);
  });
});

describe('stage 2, bounds', () => {
  const march = monthScope({ month: '2024-03', prms: [] });
  const reading = (flow: string, at: string, kwh: number, side: string | null) =>
    `('${PRM}', '${flow}', TIMESTAMPTZ '${at}', 'BASE', ${kwh}, 'real', ${side === null ? 'NULL' : `'${side}'`}, 'DI000001', 'distributor')`;
  /** The segments of a contract entered at `entry` (Paris instant) and supplied from its day, over `readings`. */
  async function segments(entry: string, readings: readonly string[]) {
    const file = path.join(scratch.dir, `readings-${readings.length}-${entry.slice(11, 13)}.parquet`);
    await scratch.connection.run(
      `COPY (SELECT * FROM (VALUES ${readings.join(', ')})
         t(prm, flow, reading_at, class, index_kwh, nature, qualification, calendar, class_kind)) TO '${file}' (FORMAT parquet)`,
    );
    const given: Relation[] = [
      {
        name: 'sub_periods',
        sql: `SELECT '${PRM}' AS prm, 'C1' AS contract, 'BTINFCUST' AS fta, 6::DECIMAL(9, 3) AS kva,
          DATE '2024-03-10' AS from_date, DATE '2024-04-01' AS to_date, 22 AS days`,
      },
      {
        name: 'contracts',
        sql: `SELECT '${PRM}' AS prm, 'C1' AS contract, DATE '2024-03-10' AS entry_date, TIMESTAMPTZ '${entry}' AS entry_at,
          NULL::DATE AS exit_date, NULL::TIMESTAMPTZ AS exit_at`,
      },
    ];
    return rows(
      given,
      boundRelations(march, [file]),
      `SELECT strftime(timezone('Europe/Paris', s.seg_start), '%d %H:%M') AS "start", strftime(timezone('Europe/Paris', s.seg_end), '%d %H:%M') AS "end",
         a.index_kwh AS from_kwh, b.index_kwh AS to_kwh
       FROM segments s LEFT JOIN segment_starts a USING (prm, contract, seg_start) LEFT JOIN segment_ends b USING (prm, contract, seg_start)
       ORDER BY s.seg_start`,
    );
  }

  it('bounds the energy at the first day 00:00 and the last day end, through each C15 reading between, preferring the C15 side that faces the segment', async () => {
    const found = await segments('2024-03-10T00:00:00+01:00', [
      reading('C15', '2024-03-10T00:00:00+01:00', 100, 'after'),
      reading('C15', '2024-03-10T00:00:00+01:00', 90, 'before'),
      reading('R151', '2024-03-15T00:00:00+01:00', 150, null),
      reading('C15', '2024-03-20T14:00:00+01:00', 200, 'before'),
      reading('C15', '2024-03-20T14:00:00+01:00', 0, 'after'),
      reading('R151', '2024-04-01T00:00:00+02:00', 50, null),
    ]);
    // The R151 of the 15th bounds nothing; the meter reset at 14:00 on the 20th splits the month.
    expect(found).toEqual([
      { start: '10 00:00', end: '20 14:00', from_kwh: 100, to_kwh: 200 },
      { start: '20 14:00', end: '01 00:00', from_kwh: 0, to_kwh: 50 },
    ]);
  });

  it('starts the energy at the instant of an entry at any hour when the C15 reads the meter then, else at 00:00', async () => {
    const read = [
      reading('C15', '2024-03-10T14:00:00+01:00', 100, 'after'),
      reading('R151', '2024-04-01T00:00:00+02:00', 150, null),
    ];
    expect(await segments('2024-03-10T14:00:00+01:00', read)).toEqual([
      { start: '10 14:00', end: '01 00:00', from_kwh: 100, to_kwh: 150 },
    ]);
    // No index at the entry: the day's 00:00 bounds it, where a new PRM has no reading.
    expect(await segments('2024-03-10T14:00:00+01:00', read.slice(1))).toEqual([
      { start: '10 00:00', end: '01 00:00', from_kwh: null, to_kwh: 150 },
    ]);
  });
});

describe('stage 3, pricing', () => {
  const periods = (rowsSql: string): Relation => ({
    name: 'sub_periods',
    sql: `SELECT * FROM (VALUES ${rowsSql}) t(prm, contract, fta, kva, from_date, to_date, days)`,
  });

  it('rounds each sub-period half up, sums them, and takes the CTA of the sum once per rate', async () => {
    // (15.48 + 19.92 + 9 × 6) × 10 / 365 = 2.4493 → 2.45; (15.48 + 19.92 + 9 × 9) × 12 / 365 = 3.8268 → 3.83
    const given = periods(
      `('${PRM}', 'C1', 'BTINFCU4', 6::DECIMAL(9, 3), DATE '2024-03-10', DATE '2024-03-20', 10),
       ('${PRM}', 'C1', 'BTINFCU4', 9::DECIMAL(9, 3), DATE '2024-03-20', DATE '2024-04-01', 12)`,
    );
    expect(
      await rows(
        [given],
        pricingRelations(),
        `SELECT f.fixed_cents::INTEGER AS fixed, c.cta_cents::INTEGER AS cta, f.mean_kva, f.no_rate
         FROM fixed_parts f JOIN cta_parts c USING (prm, contract)`,
      ),
    ).toEqual([{ fixed: 628, cta: 138, mean_kva: 7.636, no_rate: null }]);
  });

  it('prices a C4 (above 36 kVA) with b1 × kVA, and leaves a period with no rate or a kVA out of range without a fixed part', async () => {
    const given = periods(
      `('${PRM}', 'C1', 'BTSUPCU', 60::DECIMAL(9, 3), DATE '2025-09-01', DATE '2025-10-01', 30),
       ('${PRM}', 'C2', 'NOSUCHFTA', 6::DECIMAL(9, 3), DATE '2025-09-01', DATE '2025-10-01', 30),
       ('${PRM}', 'C3', 'BTINFCU4', 300::DECIMAL(9, 3), DATE '2025-09-01', DATE '2025-10-01', 30)`,
    );
    const found = await rows(
      [given],
      pricingRelations(),
      `SELECT contract, annual_eur::VARCHAR AS annual, fixed_cents::INTEGER AS fixed FROM priced_periods ORDER BY contract`,
    );
    const btsup = loadRates().turpe.find(
      (r) => r.fta === 'BTSUPCU' && r.valid_from <= '2025-09-01' && (r.valid_to ?? '9') > '2025-09-01',
    );
    expect(btsup).toBeDefined();
    const annual =
      Number(btsup?.management_eur_year) +
      Number(btsup?.metering_eur_year) +
      60 * Number(btsup?.power_hph_eur_kva_year);
    expect(Number(found[0]?.annual)).toBeCloseTo(annual, 6);
    expect(found[0]?.fixed).toBe(Math.round((annual * 100 * 30) / 365));
    expect(found.slice(1)).toEqual([
      { contract: 'C2', annual: null, fixed: null },
      { contract: 'C3', annual: null, fixed: null },
    ]);
  });
});

describe('stage 4, energies', () => {
  const march = monthScope({ month: '2024-03', prms: [] });
  const given: Relation[] = [
    {
      name: 'sub_periods',
      sql: `SELECT * FROM (VALUES
        ('${PRM}', 'C1', 'BTINFCU4', 6::DECIMAL(9, 3), DATE '2024-03-01', DATE '2024-03-20', 19),
        ('${PRM}', 'C1', 'BTINFMU4', 6::DECIMAL(9, 3), DATE '2024-03-20', DATE '2024-04-01', 12)
      ) t(prm, contract, fta, kva, from_date, to_date, days)`,
    },
    {
      name: 'energy_bounds',
      sql: `SELECT '${PRM}' AS prm, 'C1' AS contract, TIMESTAMPTZ '2024-03-01T00:00:00+01:00' AS start_at, TIMESTAMPTZ '2024-04-01T00:00:00+02:00' AS end_at`,
    },
    {
      name: 'segments',
      sql: `SELECT * FROM (VALUES
        ('${PRM}', 'C1', TIMESTAMPTZ '2024-03-01T00:00:00+01:00', TIMESTAMPTZ '2024-03-20T00:00:00+01:00'),
        ('${PRM}', 'C1', TIMESTAMPTZ '2024-03-20T00:00:00+01:00', TIMESTAMPTZ '2024-04-01T00:00:00+02:00')
      ) t(prm, contract, seg_start, seg_end)`,
    },
    {
      name: 'segment_starts',
      sql: `SELECT * FROM (VALUES
        ('${PRM}', 'C1', TIMESTAMPTZ '2024-03-01T00:00:00+01:00', 'HPH', 1000, 'real'),
        ('${PRM}', 'C1', TIMESTAMPTZ '2024-03-20T00:00:00+01:00', 'HPH', 1100, 'estimated')
      ) t(prm, contract, seg_start, class, index_kwh, nature)`,
    },
    {
      name: 'segment_ends',
      sql: `SELECT * FROM (VALUES
        ('${PRM}', 'C1', TIMESTAMPTZ '2024-03-01T00:00:00+01:00', 'HPH', 1100, 'real'),
        ('${PRM}', 'C1', TIMESTAMPTZ '2024-03-20T00:00:00+01:00', 'HPH', 1150, 'real')
      ) t(prm, contract, seg_start, class, index_kwh, nature)`,
    },
    {
      name: 'situations',
      sql: `SELECT * FROM (VALUES
        ('${PRM}', 'C1', 'BTINFCU4', TIMESTAMPTZ '2024-02-01T00:00:00+01:00', TIMESTAMPTZ '2024-03-20T00:00:00+01:00'),
        ('${PRM}', 'C1', 'BTINFMU4', TIMESTAMPTZ '2024-03-20T00:00:00+01:00', NULL::TIMESTAMPTZ)
      ) t(prm, contract, fta, event_at, next_at)`,
    },
    { name: 'fixed_parts', sql: `SELECT '${PRM}' AS prm, 'C1' AS contract` },
  ];

  it('sums each class over the segments, prices each segment at the FTA in force when it ends, and takes the worst quality', async () => {
    // 100 kWh HPH at BTINFCU4 (6.67 c€), 50 kWh HPH at BTINFMU4 (6.12 c€): 667 + 306 = 973 c€
    expect(
      await rows(
        given,
        energyRelations(march),
        `SELECT e.hph::INTEGER AS hph, e.hp::INTEGER AS hp, e.base::INTEGER AS base, e.quality, v.variable_cents::INTEGER AS variable
         FROM energies e JOIN variable_parts v USING (prm, contract)`,
      ),
    ).toEqual([{ hph: 150, hp: 150, base: 150, quality: 'estimated', variable: 973 }]);
  });
});

describe('stage 5, problems', () => {
  it('writes each message from its values', async () => {
    const message = async (sql: string) =>
      (await scratch.connection.runAndReadAll(`SELECT (${sql}).message AS m`)).getRowObjectsJson()[0]?.m;
    expect(await message(problem('no_rate', { fta: `'BTX'`, from: `DATE '2024-03-01'` }))).toBe(
      'no TURPE rate for BTX on 2024-03-01',
    );
    expect(await message(problem('kva_out_of_range', { kva: 'NULL::DECIMAL(9, 3)', from: `DATE '2024-03-01'` }))).toBe(
      'subscribed power none kVA from 2024-03-01 is not in ]0, 250]',
    );
  });

  it('are the problems docs/billing.md lists, every one', async () => {
    const docs = await readFile(path.join(PROJECT_ROOT, 'docs', 'billing.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Problems'), docs.indexOf('\n## ', docs.indexOf('## Problems') + 1));
    const listed = [...section.matchAll(/^\| `([a-z_]+)` +\|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(PROBLEMS).sort());
  });
});
