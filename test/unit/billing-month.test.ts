/**
 * A month's billing elements on real DuckDB, from C15 and R151 flows the tests write in the real
 * flows' layout, stored by the enedis transform. Expected amounts are worked out by hand from the
 * published rates (test/fixtures/tariffs), each with its arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { billMonth, type ContractMonth } from '../../src/billing/billing.js';
import { perimeterSql } from '../../src/billing/contracts-sql.js';
import { loadRates } from '../../src/billing/rates.js';
import { c15Flow, r151Flow, type C15ContractEvent, type R151Reading } from '../support/enedis-flows.js';
import { storeFlows } from '../support/billing-store.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-billing-');
const rates = loadRates();
const PRM = '99660599682036';

/** Events of the test's PRM (contract C1 unless said). */
const event = (e: Partial<C15ContractEvent> & Pick<C15ContractEvent, 'at' | 'nature'>): C15ContractEvent => ({
  prm: PRM,
  contract: 'C1',
  ...e,
});

/** R151 readings of the PRM: kWh by class on each date (the index at the end of that day). */
const r151 = (byDate: Readonly<Record<string, Readonly<Record<string, number>>>>, calendar = 'DI000003') =>
  r151Flow(
    Object.entries(byDate).map(([date, kwh]): R151Reading => ({
      prm: PRM,
      date,
      calendar,
      wh: Object.fromEntries(Object.entries(kwh).map(([c, v]) => [c, v * 1000])),
    })),
  );

async function bill(month: string, flows: readonly string[], prms: readonly string[] = []) {
  const stored = await storeFlows(scratch, flows);
  return billMonth(scratch.connection, rates, { month, prms, ...stored });
}

const only = (contracts: readonly ContractMonth[]): ContractMonth => {
  expect(contracts).toHaveLength(1);
  return contracts[0]!;
};

describe('billing a month', () => {
  it('bills an entry mid-month and a kVA change mid-month as two sub-periods, and a change of nothing as none', async () => {
    const flows = [
      c15Flow([
        event({
          at: '2024-03-10T00:00:00+01:00',
          nature: 'MES',
          kva: 6,
          after: { HPH: 1000, HCH: 500, HPB: 0, HCB: 0 },
        }),
        event({ at: '2024-03-15T00:00:00+01:00', nature: 'MDPRM', kva: '6.0' }),
        event({ at: '2024-03-20T00:00:00+01:00', nature: 'MCT', kva: 9 }),
      ]),
      r151({ '2024-03-31': { HPH: 1100, HCH: 550, HPB: 0, HCB: 0 } }),
    ];
    const month = only((await bill('2024-03', flows)).contracts);
    expect(month).toMatchObject({
      prm: PRM,
      contract: 'C1',
      fta: 'BTINFCU4',
      days: 22,
      // (6 × 10 + 9 × 12) / 22 = 168 / 22
      meanKva: 7.636,
      periods: [
        // (15.48 + 19.92 + 9 × 6) × 10 / 365 = 89.40 × 10 / 365 = 2.4493 → 2.45
        { from: '2024-03-10', to: '2024-03-20', days: 10, fta: 'BTINFCU4', kva: 6, turpeFixedEur: 2.45 },
        // (15.48 + 19.92 + 9 × 9) × 12 / 365 = 116.40 × 12 / 365 = 3.8268 → 3.83
        { from: '2024-03-20', to: '2024-04-01', days: 12, fta: 'BTINFCU4', kva: 9, turpeFixedEur: 3.83 },
      ],
      energyKWh: { base: 150, hp: 100, hc: 50, hph: 100, hch: 50, hpb: 0, hcb: 0 },
      turpeFixedEur: 6.28,
      // 100 kWh × 6.67 + 50 kWh × 4.56 c€ = 667 + 228 = 895 c€
      turpeVariableEur: 8.95,
      // 2.45 × 21.93 % = 0.5373 → 0.54; 3.83 × 21.93 % = 0.8399 → 0.84
      ctaEur: 1.38,
      quality: 'real',
      problems: [],
    });
    expect(month.note).toContain('2024-03-20: MCT BTINFCU4 9 kVA');
  });

  it('does not supply the exit day, and bounds the energy by the reading before the exit', async () => {
    const flows = [
      c15Flow([
        event({
          at: '2024-03-10T00:00:00+01:00',
          nature: 'MES',
          kva: 9,
          after: { HPH: 1000, HCH: 500, HPB: 0, HCB: 0 },
        }),
        event({
          at: '2024-04-15T00:00:00+02:00',
          nature: 'RES',
          state: 'RESILIE',
          kva: 9,
          before: { HPH: 1200, HCH: 600, HPB: 10, HCB: 0 },
        }),
      ]),
      r151({ '2024-03-31': { HPH: 1100, HCH: 550, HPB: 0, HCB: 0 } }),
    ];
    const april = only((await bill('2024-04', flows)).contracts);
    expect(april).toMatchObject({
      days: 14,
      // 116.40 × 14 / 365 = 4.4647 → 4.46
      periods: [{ from: '2024-04-01', to: '2024-04-15', days: 14, kva: 9, turpeFixedEur: 4.46 }],
      energyKWh: { hph: 100, hch: 50, hpb: 10, hcb: 0, base: 160 },
      quality: 'real',
    });
  });

  it('bills a whole year: every day of 2024 once, and the November rate change on the 1st', async () => {
    const ends = [
      '2023-12-31',
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
      '2024-05-31',
      '2024-06-30',
      '2024-07-31',
      '2024-08-31',
      '2024-09-30',
      '2024-10-31',
      '2024-11-30',
      '2024-12-31',
    ];
    const flows = [
      c15Flow([event({ at: '2024-01-01T00:00:00+01:00', nature: 'MES', kva: 6 })]),
      r151(Object.fromEntries(ends.map((d, i) => [d, { HPH: 100 * i, HCH: 50 * i, HPB: 20 * i, HCB: 10 * i }]))),
    ];
    const stored = await storeFlows(scratch, flows);
    const months = await Promise.all(
      Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`).map(async (month) =>
        only((await billMonth(scratch.connection, rates, { month, prms: [], ...stored })).contracts),
      ),
    );
    expect(months.reduce((sum, m) => sum + m.days, 0)).toBe(366);
    expect(months.every((m) => m.quality === 'real' && m.energyKWh.base === 180)).toBe(true);
    // October, old rate: 89.40 × 31 / 365 = 7.5929 → 7.59; November, new rate:
    // (16.2 + 20.88 + 9.36 × 6) × 30 / 365 = 93.24 × 30 / 365 = 7.6636 → 7.66
    expect(months[9]?.turpeFixedEur).toBe(7.59);
    expect(months[10]?.turpeFixedEur).toBe(7.66);
    // November, high season, four classes at 6.96, 4.76, 1.48, 0.92 c€:
    // 100 × 6.96 + 50 × 4.76 + 20 × 1.48 + 10 × 0.92 = 696 + 238 + 29.6 + 9.2 = 972.8 → 973 c€
    expect(months[10]?.turpeVariableEur).toBe(9.73);
  });

  it('prices TURPE 7 four classes, MUDT HP/HC and CUST base at their own granularity', async () => {
    const flows = [
      c15Flow([
        event({
          at: '2025-08-01T00:00:00+02:00',
          nature: 'MES',
          contract: 'CU4',
          kva: 6,
          after: { HPH: 0, HCH: 0, HPB: 0, HCB: 0 },
        }),
        event({
          prm: '99660599682037',
          at: '2025-02-01T00:00:00+01:00',
          nature: 'MES',
          contract: 'MUDT',
          fta: 'BTINFMUDT',
          kva: 9,
          calendar: 'DI000002',
          after: { HP: 0, HC: 0 },
        }),
        event({
          prm: '99660599682038',
          at: '2025-09-01T00:00:00+02:00',
          nature: 'MES',
          contract: 'CUST',
          fta: 'BTINFCUST',
          kva: 6,
          calendar: 'DI000001',
          after: { BASE: 0 },
        }),
      ]),
      r151({ '2025-08-31': { HPH: 0, HCH: 0, HPB: 100, HCB: 50 } }),
      r151Flow([{ prm: '99660599682037', date: '2025-02-28', calendar: 'DI000002', wh: { HP: 200_000, HC: 100_000 } }]),
      r151Flow([{ prm: '99660599682038', date: '2025-09-30', calendar: 'DI000001', wh: { BASE: 100_000 } }]),
    ];
    const stored = await storeFlows(scratch, flows);
    const one = async (month: string, prm: string) =>
      only((await billMonth(scratch.connection, rates, { month, prms: [prm], ...stored })).contracts);
    expect(await one('2025-08', PRM)).toMatchObject({
      // (16.8 + 22 + 10.11 × 6) × 31 / 365 = 99.46 × 31 / 365 = 8.4473 → 8.45
      turpeFixedEur: 8.45,
      // low season: 100 × 1.66 + 50 × 1.16 = 166 + 58 = 224 c€
      turpeVariableEur: 2.24,
      // 8.45 × 21.93 % = 1.8531 → 1.85
      ctaEur: 1.85,
    });
    expect(await one('2025-02', '99660599682037')).toMatchObject({
      fta: 'BTINFMUDT',
      energyKWh: { hp: 200, hc: 100, base: 300, hph: null },
      // (16.92 + 22.44 + 13.80 × 9) × 28 / 365 = 163.56 × 28 / 365 = 12.5470 → 12.55
      turpeFixedEur: 12.55,
      // 200 × 5.04 + 100 × 3.57 = 1008 + 357 = 1365 c€
      turpeVariableEur: 13.65,
    });
    expect(await one('2025-09', '99660599682038')).toMatchObject({
      fta: 'BTINFCUST',
      // (16.8 + 22 + 11.07 × 6) × 30 / 365 = 105.22 × 30 / 365 = 8.6482 → 8.65
      turpeFixedEur: 8.65,
      // 100 × 4.84 = 484 c€
      turpeVariableEur: 4.84,
    });
  });

  it("levies the CTA on the month's fixed part, rounded once: the rate times the fixed part shown", async () => {
    const flows = [
      c15Flow([
        event({ at: '2024-03-01T00:00:00+01:00', nature: 'MES', kva: 6 }),
        event({ at: '2024-03-08T00:00:00+01:00', nature: 'MCT', kva: 9 }),
      ]),
    ];
    const month = only((await bill('2024-03', flows)).contracts);
    expect(month).toMatchObject({
      periods: [
        // 89.40 × 7 / 365 = 1.7145 → 1.71
        { from: '2024-03-01', to: '2024-03-08', kva: 6, turpeFixedEur: 1.71 },
        // 116.40 × 24 / 365 = 7.6537 → 7.65
        { from: '2024-03-08', to: '2024-04-01', kva: 9, turpeFixedEur: 7.65 },
      ],
      turpeFixedEur: 9.36,
      // 9.36 × 21.93 % = 2.0526 → 2.05 (not 0.38 + 1.68 = 2.06, each sub-period's rounded)
      ctaEur: 2.05,
    });
  });

  it('prices the energy before an FTA change read by the C15 with the FTA it was used under', async () => {
    const flows = [
      c15Flow([
        event({ at: '2024-01-05T00:00:00+01:00', nature: 'MES', kva: 6 }),
        event({
          at: '2024-03-10T00:00:00+01:00',
          nature: 'MCT',
          fta: 'BTINFMU4',
          kva: 6,
          before: { HPH: 1100, HCH: 550, HPB: 0, HCB: 0 },
          after: { HPH: 1100, HCH: 550, HPB: 0, HCB: 0 },
        }),
      ]),
      r151({
        '2024-02-29': { HPH: 1000, HCH: 500, HPB: 0, HCB: 0 },
        '2024-03-31': { HPH: 1300, HCH: 650, HPB: 0, HCB: 0 },
      }),
    ];
    const month = only((await bill('2024-03', flows)).contracts);
    expect(month).toMatchObject({
      fta: 'BTINFMU4',
      periods: [
        { from: '2024-03-01', to: '2024-03-10', fta: 'BTINFCU4' },
        { from: '2024-03-10', to: '2024-04-01', fta: 'BTINFMU4' },
      ],
      energyKWh: { hph: 300, hch: 150 },
      quality: 'real',
      problems: [],
      // 1–10 March under BTINFCU4: 100 × 6.67 + 50 × 4.56 = 667 + 228 = 895 c€;
      // 10–31 March under BTINFMU4: 200 × 6.12 + 100 × 4.24 = 1224 + 424 = 1648 c€; 2543 c€
      turpeVariableEur: 25.43,
    });
  });

  it('marks a month missing a bound reading as missing, never guessed, and still bills its fixed part', async () => {
    const flows = [
      c15Flow([
        event({ at: '2024-03-01T00:00:00+01:00', nature: 'MES', kva: 6, after: { HPH: 0, HCH: 0, HPB: 0, HCB: 0 } }),
      ]),
    ];
    const month = only((await bill('2024-03', flows)).contracts);
    expect(month).toMatchObject({
      quality: 'missing',
      energyKWh: { base: null, hph: null },
      turpeVariableEur: null,
      // 89.40 × 31 / 365 = 7.5929 → 7.59
      turpeFixedEur: 7.59,
    });
    expect(month.problems).toEqual([
      {
        code: 'missing_reading',
        message: 'no reading to bound the energy at 2024-04-01 00:00 (Paris): energy and variable part not computed',
      },
    ]);
  });

  it('gives the same month for a C15 delivered twice', async () => {
    const c15 = c15Flow([
      event({ at: '2024-03-10T00:00:00+01:00', nature: 'MES', kva: 6 }),
      event({ at: '2024-03-20T00:00:00+01:00', nature: 'MCT', kva: 9 }),
    ]);
    const once = await bill('2024-03', [c15]);
    const twice = await bill('2024-03', [c15, `${c15}\n`]);
    expect(twice).toEqual(once);
    expect(only(twice.contracts).periods).toHaveLength(2);
    // The instants a problem names come in time order (they came in DuckDB's order, run to run).
    expect(JSON.stringify(once)).toContain('no reading to bound the energy at 2024-03-10 00:00, 2024-04-01 00:00');
  });

  it('bills a re-entry as a new contract, in the perimeter from its entry day, the old one out from its exit day', async () => {
    const flows = [
      c15Flow([
        event({ at: '2024-01-05T00:00:00+01:00', nature: 'MES' }),
        event({ at: '2024-03-10T00:00:00+01:00', nature: 'RES' }),
        event({ at: '2024-03-20T00:00:00+01:00', nature: 'MES', contract: 'C2' }),
      ]),
    ];
    const stored = await storeFlows(scratch, flows);
    const march = await billMonth(scratch.connection, rates, { month: '2024-03', prms: [], ...stored });
    expect(march.contracts.map((c) => [c.contract, c.days])).toEqual([
      ['C1', 9],
      ['C2', 12],
    ]);
    const perimeter = async (date: string) =>
      (await scratch.connection.runAndReadAll(perimeterSql(stored.eventFiles, [], date, []))).getRowObjectsJson();
    expect(await perimeter('2024-03-09')).toEqual([{ prm: PRM, contract: 'C1', since: '2024-01-05', source: 'c15' }]);
    expect(await perimeter('2024-03-10')).toEqual([]);
    expect(await perimeter('2024-03-20')).toEqual([{ prm: PRM, contract: 'C2', since: '2024-03-20', source: 'c15' }]);
  });
});

describe('bad inputs are named problems, never a crash or a silent drop', () => {
  it.each([
    [
      'a C15 without a contract reference',
      [event({ at: '2024-03-05T00:00:00+01:00', nature: 'MCT', contract: null })],
      null,
      'no_contract_reference',
    ],
    [
      'an unknown event code',
      [
        event({ at: '2024-03-01T00:00:00+01:00', nature: 'MES' }),
        event({ at: '2024-03-05T00:00:00+01:00', nature: 'XYZ' }),
      ],
      'C1',
      'unknown_event',
    ],
    ['a kVA of 0', [event({ at: '2024-03-01T00:00:00+01:00', nature: 'MES', kva: 0 })], 'C1', 'kva_out_of_range'],
    [
      'a kVA above 250',
      [event({ at: '2024-03-01T00:00:00+01:00', nature: 'MES', kva: 300 })],
      'C1',
      'kva_out_of_range',
    ],
    [
      'an exit before the entry',
      [
        event({ at: '2024-03-10T00:00:00+01:00', nature: 'MES' }),
        event({ at: '2024-03-05T00:00:00+01:00', nature: 'RES' }),
      ],
      'C1',
      'exit_before_entry',
    ],
    [
      'two events at the same instant',
      [
        event({ at: '2024-03-01T00:00:00+01:00', nature: 'MES' }),
        event({ at: '2024-03-10T00:00:00+01:00', nature: 'MCT', kva: 9 }),
        event({ at: '2024-03-10T00:00:00+01:00', nature: 'MCT', kva: 12 }),
      ],
      'C1',
      'same_instant',
    ],
    [
      'an FTA without a rate',
      [event({ at: '2024-03-01T00:00:00+01:00', nature: 'MES', fta: 'BTINFXX' })],
      'C1',
      'no_rate',
    ],
    [
      'a date without a rate for its FTA',
      [event({ at: '2024-03-01T00:00:00+01:00', nature: 'MES', fta: 'BTSUPCU', kva: 60 })],
      'C1',
      'no_rate',
    ],
  ])('%s', async (_case, events, contract, code) => {
    const month = await bill('2024-03', [c15Flow(events)]);
    const row = month.contracts.find((c) => c.contract === contract);
    expect(row?.problems.map((p) => p.code)).toContain(code);
  });

  it('names an index that went down, and gives no energy nor variable part, only the fixed part', async () => {
    const month = only(
      (
        await bill('2024-03', [
          c15Flow([
            event({
              at: '2024-03-01T00:00:00+01:00',
              nature: 'MES',
              kva: 6,
              after: { HPH: 1000, HCH: 500, HPB: 0, HCB: 0 },
            }),
          ]),
          r151({ '2024-03-31': { HPH: 900, HCH: 550, HPB: 0, HCB: 0 } }),
        ])
      ).contracts,
    );
    expect(month).toMatchObject({
      quality: 'real',
      energyKWh: { base: null, hph: null, hch: null },
      turpeVariableEur: null,
      // 89.40 × 31 / 365 = 7.5929 → 7.59
      turpeFixedEur: 7.59,
    });
    expect(month.problems).toEqual([
      {
        code: 'index_decreased',
        message: 'an index went down between two bounds: energy and variable part not computed',
      },
    ]);
  });

  it('names base readings for a four-class FTA, and keeps the energy but prices no variable part', async () => {
    const month = only(
      (
        await bill('2024-03', [
          c15Flow([
            event({
              at: '2024-03-01T00:00:00+01:00',
              nature: 'MES',
              fta: 'BTINFCU4',
              kva: 6,
              calendar: 'DI000001',
              after: { BASE: 1000 },
            }),
          ]),
          r151({ '2024-03-31': { BASE: 1150 } }, 'DI000001'),
        ])
      ).contracts,
    );
    expect(month).toMatchObject({
      quality: 'real',
      energyKWh: { base: 150, hp: null, hc: null, hph: null },
      turpeVariableEur: null,
      turpeFixedEur: 7.59,
    });
    expect(month.problems).toEqual([
      {
        code: 'classes_do_not_match_fta',
        message: "the readings' classes do not fit BTINFCU4 (four): variable part not computed",
      },
    ]);
  });

  it('names a contract with no entry stored, and supplies it from its first event', async () => {
    const month = only(
      (await bill('2024-03', [c15Flow([event({ at: '2024-03-12T00:00:00+01:00', nature: 'MCT', kva: 9 })])])).contracts,
    );
    expect(month).toMatchObject({
      days: 20,
      periods: [{ from: '2024-03-12', to: '2024-04-01', days: 20, kva: 9 }],
    });
    expect(month.problems).toContainEqual({
      code: 'no_entry',
      message: 'no entry event stored: supplied from its first event, 2024-03-12',
    });
  });

  it('names a sub-period with no CTA rate on its first day, and still gives its TURPE', async () => {
    const laterCta = { ...rates, cta: rates.cta.filter((r) => r.valid_from >= '2024-03-15') };
    expect(laterCta.cta.length).toBeGreaterThan(0);
    const stored = await storeFlows(scratch, [
      c15Flow([event({ at: '2024-03-01T00:00:00+01:00', nature: 'MES', kva: 6 })]),
    ]);
    const month = only(
      (await billMonth(scratch.connection, laterCta, { month: '2024-03', prms: [], ...stored })).contracts,
    );
    expect(month).toMatchObject({ turpeFixedEur: 7.59, ctaEur: null });
    expect(month.problems).toContainEqual({ code: 'no_cta_rate', message: 'no CTA rate on 2024-03-01' });
  });

  it('names the FTA and date a period has no rate for, and still shows the period', async () => {
    const month = await bill('2024-03', [
      c15Flow([event({ at: '2024-03-01T00:00:00+01:00', nature: 'MES', fta: 'BTSUPCU', kva: 60 })]),
    ]);
    expect(only(month.contracts)).toMatchObject({
      days: 31,
      periods: [{ from: '2024-03-01', days: 31, fta: 'BTSUPCU', turpeFixedEur: null }],
      turpeFixedEur: null,
    });
    expect(only(month.contracts).problems).toContainEqual({
      code: 'no_rate',
      message: 'no TURPE rate for BTSUPCU on 2024-03-01',
    });
  });
});
