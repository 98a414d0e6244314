/**
 * Billing inputs as a supplier's billing team meets them, on real DuckDB, from C15 and R151 flows
 * the tests write in the real flows' layout and the enedis transform stores: the go-live snapshot,
 * readings without a contract, overlapping contracts, events stating no tariff structure, days not
 * usable, events at any hour, a corrected event delivered again, a kVA its FTA is not for, C4
 * pricing at a real rate. Amounts worked out by hand from the published rates (test/fixtures/tariffs).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { billMonth, type ContractMonth } from '../../src/billing/billing.js';
import { totalAmountText } from '../../src/billing/billing-record.js';
import { loadRates } from '../../src/billing/rates.js';
import { mergeSnapshot } from '../../src/billing/snapshot.js';
import type { MonthSqlInput } from '../../src/billing/month-sql.js';
import { BadDataError } from '../../src/workflow-safe/errors.js';
import { storeFlows } from '../support/billing-store.js';
import { c15Flow, r151Flow, type C15ContractEvent, type R151Reading } from '../support/enedis-flows.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-billing-inputs-');
const rates = loadRates();
const PRM = '99660599682036';
const OTHER = '99660599682037';

const event = (e: Partial<C15ContractEvent> & Pick<C15ContractEvent, 'at' | 'nature'>): C15ContractEvent => ({
  prm: PRM,
  contract: 'C1',
  ...e,
});

const r151 = (byDate: Readonly<Record<string, Readonly<Record<string, number>>>>, prm = PRM) =>
  r151Flow(
    Object.entries(byDate).map(([date, kwh]): R151Reading => ({
      prm,
      date,
      calendar: 'DI000003',
      wh: Object.fromEntries(Object.entries(kwh).map(([c, v]) => [c, v * 1000])),
    })),
  );

async function bill(month: string, flows: readonly string[], more: Partial<MonthSqlInput> = {}) {
  const stored = await storeFlows(scratch, flows);
  return (await billMonth(scratch.connection, rates, { month, prms: [], ...stored, ...more })).contracts;
}

const row = (contracts: readonly ContractMonth[], contract: string | null, prm = PRM) => {
  const found = contracts.filter((c) => c.contract === contract && c.prm === prm);
  expect(found, `${prm} ${contract}`).toHaveLength(1);
  return found[0] as ContractMonth;
};

const codes = (c: ContractMonth) => c.problems.map((p) => p.code);

let snapshots = 0;
/** A snapshot CSV merged into `stored` (a snapshot Parquet, or none): the new snapshot's path. */
async function snapshot(csv: string, stored: string | null = null): Promise<string> {
  snapshots += 1;
  const file = path.join(scratch.dir, `snapshot-${snapshots}.csv`);
  const target = path.join(scratch.dir, `snapshot-${snapshots}.parquet`);
  await writeFile(file, csv);
  await mergeSnapshot(scratch.connection, rates, { file, name: `portfolio-${snapshots}.csv`, stored, target });
  return target;
}

describe('going live: the snapshot of the portfolio', () => {
  it('starts each contract on its day, its later C15 events continue it, and its rows say where it starts from', async () => {
    const file = await snapshot(`prm,contract,fta,kva,since\n${PRM},C1,BTINFCU4,6,2019-04-02\n`);
    const flows = [
      c15Flow([event({ at: '2024-03-20T00:00:00+01:00', nature: 'MCT', kva: 9 })]),
      r151({
        '2024-02-29': { HPH: 1000, HCH: 500, HPB: 0, HCB: 0 },
        '2024-03-31': { HPH: 1100, HCH: 550, HPB: 0, HCB: 0 },
      }),
    ];
    const c1 = row(await bill('2024-03', flows, { snapshotFiles: [file] }), 'C1');
    expect(c1).toMatchObject({
      source: 'snapshot',
      days: 31,
      periods: [
        // (15.48 + 19.92 + 9 × 6) × 19 / 365 = 4.6537 → 4.65; (15.48 + 19.92 + 9 × 9) × 12 / 365 = 3.8268 → 3.83
        { from: '2024-03-01', to: '2024-03-20', kva: 6, turpeFixedEur: 4.65 },
        { from: '2024-03-20', to: '2024-04-01', kva: 9, turpeFixedEur: 3.83 },
      ],
      energyKWh: { hph: 100, hch: 50 },
      turpeFixedEur: 8.48,
      quality: 'real',
    });
    expect(codes(c1)).not.toContain('no_entry');
  });

  it('gives way to a C15 entry of the contract earlier than its day, and the row says so', async () => {
    const file = await snapshot(`prm,contract,fta,kva,since\n${PRM},C1,BTINFCU4,6,2024-03-15\n`);
    const flows = [c15Flow([event({ at: '2024-03-05T00:00:00+01:00', nature: 'MES', kva: 6 })])];
    const c1 = row(await bill('2024-03', flows, { snapshotFiles: [file] }), 'C1');
    expect(c1).toMatchObject({ source: 'c15', days: 27, periods: [{ from: '2024-03-05' }] });
    expect(c1.note).toContain('the snapshot of 2024-03-15 superseded by the C15 entry of 2024-03-05');
  });

  it('changes nothing when the same file is imported again, and adds only the new contracts of another', async () => {
    const csv = `prm,contract,fta,kva,since\n${PRM},C1,BTINFCU4,6,2019-04-02\n`;
    const first = await snapshot(csv);
    const again = path.join(scratch.dir, 'again.parquet');
    const file = path.join(scratch.dir, 'again.csv');
    await writeFile(file, csv);
    expect(
      await mergeSnapshot(scratch.connection, rates, { file, name: 'again.csv', stored: first, target: again }),
    ).toEqual({ rows: 1, added: 0, contracts: 1, earliestAdded: null });
    await writeFile(file, `${csv}${OTHER},K9,BTINFMU4,9.0,2021-01-01\n`);
    expect(
      await mergeSnapshot(scratch.connection, rates, { file, name: 'more.csv', stored: first, target: again }),
    ).toEqual({ rows: 2, added: 1, contracts: 2, earliestAdded: '2021-01-01' });
  });

  it.each([
    ['an unknown FTA', `${PRM},C1,BTXYZ,6,2019-04-02`, 'fta', /no TURPE rate knows the FTA "BTXYZ"/],
    ['a kVA not a number', `${PRM},C1,BTINFCU4,six,2019-04-02`, 'kva', /not a number of kVA: "six"/],
    ['a day that does not exist', `${PRM},C1,BTINFCU4,6,2019-02-30`, 'since', /"2019-02-30"/],
    ['a PRM not of 14 digits', `9966059968203,C1,BTINFCU4,6,2019-04-02`, 'prm', /a PRM is 14 digits/],
    ['no contract reference', `${PRM},,BTINFCU4,6,2019-04-02`, 'contract', /no contract reference/],
  ])('refuses a file with %s, naming its line and column, and imports none of it', async (_case, bad, column, why) => {
    const file = path.join(scratch.dir, 'bad.csv');
    await writeFile(file, `prm,contract,fta,kva,since\n${OTHER},K1,BTINFCU4,6,2020-01-01\n${bad}\n`);
    const target = path.join(scratch.dir, 'bad.parquet');
    const refused = mergeSnapshot(scratch.connection, rates, { file, name: 'bad.csv', stored: null, target });
    await expect(refused).rejects.toBeInstanceOf(BadDataError);
    await expect(refused).rejects.toThrow(new RegExp(`^bad.csv, line 3, column ${column}: 1 fault`));
    await expect(refused).rejects.toThrow(why);
  });

  it('refuses a contract already in the snapshot with other values, naming where it is', async () => {
    const stored = await snapshot(`prm,contract,fta,kva,since\n${PRM},C1,BTINFCU4,6,2019-04-02\n`);
    const file = path.join(scratch.dir, 'other-values.csv');
    await writeFile(file, `prm,contract,fta,kva,since\n${PRM},C1,BTINFCU4,9,2019-04-02\n`);
    await expect(
      mergeSnapshot(scratch.connection, rates, {
        file,
        name: 'other.csv',
        stored,
        target: path.join(scratch.dir, 'x.parquet'),
      }),
    ).rejects.toThrow(
      /other.csv, line 2, column kva: .*already in the snapshot as BTINFCU4 6 kVA since 2019-04-02 \(from portfolio-\d+.csv, line 2\)/,
    );
  });
});

describe('the perimeter as Enedis sees it', () => {
  it('gives a PRM read without a contract a row of its own, naming its first and last readings, never billed', async () => {
    const flows = [
      r151(
        { '2024-03-02': { HPH: 10, HCH: 5, HPB: 0, HCB: 0 }, '2024-03-30': { HPH: 20, HCH: 9, HPB: 0, HCB: 0 } },
        OTHER,
      ),
    ];
    const lone = row(await bill('2024-03', flows), null, OTHER);
    expect(lone).toMatchObject({ days: 0, turpeFixedEur: null, turpeVariableEur: null, ctaEur: null, source: null });
    expect(lone.problems).toEqual([
      {
        code: 'readings_without_contract',
        message:
          "readings from 2024-03-03 00:00 to 2024-03-31 00:00 (Paris) and no contract in force in the month: a contract is missing (Enedis sends readings only for the PRMs of the supplier's perimeter)",
      },
    ]);
  });

  it('names two contracts of one PRM in force on the same days on both rows', async () => {
    const flows = [
      c15Flow([
        event({ at: '2024-01-05T00:00:00+01:00', nature: 'MES', contract: 'OLD' }),
        event({ at: '2024-03-10T00:00:00+01:00', nature: 'CFNE', contract: 'NEW' }),
      ]),
    ];
    const contracts = await bill('2024-03', flows);
    expect(row(contracts, 'OLD').problems).toContainEqual({
      code: 'overlapping_contracts',
      message:
        'contract NEW of the same PRM is in force on the same 22 day(s), from 2024-03-10 to 2024-04-01 excluded: both rows bill them',
    });
    expect(codes(row(contracts, 'NEW'))).toContain('overlapping_contracts');
    expect(row(contracts, 'OLD').days + row(contracts, 'NEW').days).toBe(31 + 22);
  });
});

describe('events as they really come', () => {
  it('keeps the last known FTA and kVA through an event stating none, and says so', async () => {
    const flows = [
      c15Flow([
        event({ at: '2024-03-01T00:00:00+01:00', nature: 'MES', kva: 9 }),
        event({ at: '2024-03-10T00:00:00+01:00', nature: 'MCT', structure: false }),
      ]),
    ];
    const c1 = row(await bill('2024-03', flows), 'C1');
    // (15.48 + 19.92 + 9 × 9) × 31 / 365 = 9.8860 → 9.89, one sub-period: nothing changed
    expect(c1).toMatchObject({ periods: [{ from: '2024-03-01', to: '2024-04-01', kva: 9 }], turpeFixedEur: 9.89 });
    expect(c1.incomplete).toEqual([]);
    expect(c1.note).toBe('2024-03-01: MES BTINFCU4 9 kVA; 2024-03-10: MCT (FTA and kVA as before)');
  });

  it('prices the sub-periods that have an FTA when a contract first had none, and marks the total incomplete', async () => {
    const flows = [
      c15Flow([
        event({ at: '2024-03-01T00:00:00+01:00', nature: 'MES', structure: false }),
        event({ at: '2024-03-20T00:00:00+01:00', nature: 'MCT', kva: 9 }),
      ]),
    ];
    const c1 = row(await bill('2024-03', flows), 'C1');
    expect(c1.periods.map((p) => [p.from, p.turpeFixedEur])).toEqual([
      ['2024-03-01', null],
      ['2024-03-20', 3.83],
    ]);
    // The CTA of what is priced: 3.83 × 21.93 % = 0.8399 → 0.84
    expect(c1).toMatchObject({ turpeFixedEur: 3.83, ctaEur: 0.84, incomplete: ['turpeFixedEur', 'ctaEur'] });
    expect(codes(c1)).toEqual(expect.arrayContaining(['no_rate', 'kva_out_of_range']));
  });

  it('applies the event delivered last of two at one instant, whatever they say, and names the one replaced', async () => {
    const flows = [
      c15Flow([event({ at: '2024-03-01T00:00:00+01:00', nature: 'MES', kva: 6 })]),
      c15Flow([event({ at: '2024-03-10T00:00:00+01:00', nature: 'MCT', kva: 12 })]),
      c15Flow([event({ at: '2024-03-10T00:00:00+01:00', nature: 'MCT', kva: 9 })]),
    ];
    const c1 = row(await bill('2024-03', flows), 'C1');
    expect(c1.periods.map((p) => p.kva)).toEqual([6, 9]);
    expect(c1.problems).toContainEqual({
      code: 'same_instant',
      message:
        'events at the same instant 2024-03-10 00:00: MCT BTINFCU4 9 kVA, delivered last, applied; MCT BTINFCU4 12 kVA replaced',
    });
  });

  it('bills an entry at 14:00 with its index from 14:00, and prices the energy before an FTA change at 14:00 with the FTA it was used under', async () => {
    const flows = [
      c15Flow([
        event({
          at: '2024-03-04T14:00:00+01:00',
          nature: 'MES',
          fta: 'BTINFCU4',
          after: { HPH: 1000, HCH: 500, HPB: 0, HCB: 0 },
        }),
        event({
          at: '2024-03-20T14:00:00+01:00',
          nature: 'MCT',
          fta: 'BTINFMU4',
          before: { HPH: 1100, HCH: 550, HPB: 0, HCB: 0 },
          after: { HPH: 1100, HCH: 550, HPB: 0, HCB: 0 },
        }),
      ]),
      r151({ '2024-03-31': { HPH: 1150, HCH: 575, HPB: 0, HCB: 0 } }),
    ];
    const c1 = row(await bill('2024-03', flows), 'C1');
    // The entry day is still supplied (28 days); the energy from 14:00: 150 kWh HPH, 75 kWh HCH.
    // Before 14:00 on the 20th, at BTINFCU4: 100 × 6.67 + 50 × 4.56 = 895 c€; after, at BTINFMU4:
    // 50 × 6.12 + 25 × 4.24 = 412 c€; 1 307 c€ in all.
    expect(c1).toMatchObject({ days: 28, energyKWh: { hph: 150, hch: 75 }, quality: 'real', turpeVariableEur: 13.07 });
    expect(codes(c1)).not.toContain('missing_reading');
  });
});

describe('days billing may not read', () => {
  it('leaves out the figures a refused day would give, naming the day and why, and keeps the others', async () => {
    const flows = [
      c15Flow([
        event({
          at: '2024-03-01T00:00:00+01:00',
          nature: 'MES',
          kva: 6,
          after: { HPH: 1000, HCH: 500, HPB: 0, HCB: 0 },
        }),
      ]),
      r151({ '2024-03-31': { HPH: 1100, HCH: 550, HPB: 0, HCB: 0 } }),
      r151({ '2024-03-31': { HPH: 10, HCH: 5, HPB: 0, HCB: 0 } }, OTHER),
      c15Flow([event({ prm: OTHER, contract: 'K1', at: '2024-02-01T00:00:00+01:00', nature: 'MES', kva: 6 })]),
    ];
    const stored = await storeFlows(scratch, flows);
    // The R151 of the 31st (the day that closes at April's 00:00) refused by a check.
    const refused = stored.days.find((d) => d.date === '2024-03-31');
    expect(refused).toBeDefined();
    const contracts = (
      await billMonth(scratch.connection, rates, {
        month: '2024-03',
        prms: [],
        eventFiles: stored.eventFiles,
        readingFiles: stored.readingFiles.filter((f) => f !== refused?.readingFile),
        unusable: [
          { date: '2024-03-31', why: 'failed: index_decreasing blocked it', readingFile: refused?.readingFile },
        ],
      })
    ).contracts;
    for (const [prm, contract] of [
      [PRM, 'C1'],
      [OTHER, 'K1'],
    ] as const) {
      const c = row(contracts, contract, prm);
      expect(c).toMatchObject({ quality: 'missing', turpeVariableEur: null, energyKWh: { hph: null } });
      expect(c.turpeFixedEur).not.toBeNull();
      expect(c.problems).toContainEqual({
        code: 'day_not_usable',
        message:
          'the day 2024-03-31 is not usable (failed: index_decreasing blocked it): its energy and variable part not computed',
      });
      expect(codes(c)).not.toContain('missing_reading');
    }
  });
});

describe('rates checked against their FTA', () => {
  it('names a kVA its FTA is not for and prices none of that sub-period', async () => {
    const c1 = row(
      await bill('2024-03', [c15Flow([event({ at: '2024-03-01T00:00:00+01:00', nature: 'MES', kva: 42 })])]),
      'C1',
    );
    expect(c1.turpeFixedEur).toBeNull();
    expect(c1.problems).toContainEqual({
      code: 'kva_not_in_fta_range',
      message:
        'subscribed power 42 kVA from 2024-03-01 does not fit BTINFCU4 (up to 36 kVA): its fixed part not computed',
    });
  });

  it('prices a C4 (BTSUPCU, 60 kVA) at the TURPE 7 rate: b1 × kVA and its own four energy classes', async () => {
    const flows = [
      c15Flow([
        event({
          at: '2025-09-01T00:00:00+02:00',
          nature: 'MES',
          fta: 'BTSUPCU',
          kva: 60,
          after: { HPH: 1000, HCH: 500, HPB: 200, HCB: 100 },
        }),
      ]),
      r151({ '2025-09-30': { HPH: 1100, HCH: 560, HPB: 230, HCB: 110 } }),
    ];
    const c1 = row(await bill('2025-09', flows), 'C1');
    // (217.80 + 283.27 + 17.61 × 60) × 30 / 365 = 1 557.67 × 30 / 365 = 128.0277 → 128.03;
    // 100 × 6.91 + 60 × 4.21 + 30 × 2.13 + 10 × 1.52 = 691 + 252.6 + 63.9 + 15.2 = 1 022.7 → 1 023 c€
    expect(c1).toMatchObject({ days: 30, turpeFixedEur: 128.03, turpeVariableEur: 10.23, problems: [] });
  });
});

describe('totals that say what they leave out', () => {
  it('reads as a sum when complete, at least a sum when some contracts are left out, and no sum when all are', () => {
    expect(totalAmountText(1234.5, 0, 40)).toEqual({ value: '1234.50 €', note: null });
    expect(totalAmountText(1234.5, 2, 40)).toEqual({
      value: '≥ 1234.50 €',
      note: 'not computed, or in part only, for 2 of 40 contracts',
    });
    // Every contract's energy missing: never a 0.00 € that reads as nothing due.
    expect(totalAmountText(0, 40, 40)).toEqual({ value: '–', note: 'not computed for any of 40 contracts' });
  });
});
