/**
 * What moved between two versions of a month (`monthChanges`, and the JSON lines of
 * `writeMonthChangesJson`), on real DuckDB, from months billed from C15 and R151 flows in the real
 * layout: a contract whose figures moved, one that appeared, one that disappeared, each amount's
 * delta exact to the cent; an unchanged contract is not listed.
 * And the hash of the rates a month is priced with (`monthRatesSha256`): it moves with a figure in
 * force in the month only.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBillingParquet } from '../../src/billing/billing.js';
import { monthChanges, writeMonthChangesJson } from '../../src/billing/month-changes.js';
import { monthRatesSha256 } from '../../src/billing/month-rates.js';
import { loadRates, type Rates } from '../../src/billing/rates.js';
import { storeFlows } from '../support/billing-store.js';
import { c15Flow, r151Flow } from '../support/enedis-flows.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-billing-changes-');
const rates = loadRates();
const [STAYS, MOVES, LEAVES, COMES] = ['99660599682031', '99660599682032', '99660599682033', '99660599682034'];

const entry = (prm: string, contract: string) =>
  ({
    prm,
    contract,
    at: '2024-02-01T00:00:00+01:00',
    nature: 'MES',
    kva: 6,
    after: { HPH: 1000, HCH: 500, HPB: 0, HCB: 0 },
  }) as const;
const closing = (prm: string, hph: number) =>
  r151Flow([
    { prm, date: '2024-02-29', wh: { HPH: 1_000_000, HCH: 500_000, HPB: 0, HCB: 0 } },
    { prm, date: '2024-03-31', wh: { HPH: hph * 1000, HCH: 550_000, HPB: 0, HCB: 0 } },
  ]);

let written = 0;
async function version(flows: readonly string[]): Promise<string> {
  written += 1;
  const stored = await storeFlows(scratch, flows);
  const file = path.join(scratch.dir, `v${written}.parquet`);
  await writeBillingParquet(scratch.connection, rates, { month: '2024-03', prms: [], ...stored }, file);
  return file;
}

describe('what moved between two versions of a month', () => {
  it('lists each contract that moved, appeared or disappeared, with exact deltas, and leaves the others out', async () => {
    const before = await version([
      c15Flow([entry(STAYS, 'S'), entry(MOVES, 'M'), entry(LEAVES, 'L')]),
      closing(STAYS, 1100),
      closing(MOVES, 1100),
      closing(LEAVES, 1100),
    ]);
    const after = await version([
      c15Flow([
        entry(STAYS, 'S'),
        entry(MOVES, 'M'),
        entry(COMES, 'C'),
        { prm: LEAVES, contract: 'L', at: '2024-02-01T00:00:00+01:00', nature: 'MES', kva: 6 },
        { prm: LEAVES, contract: 'L', at: '2024-02-20T00:00:00+01:00', nature: 'RES', state: 'RESILIE' },
      ]),
      closing(STAYS, 1100),
      closing(MOVES, 1200),
      closing(COMES, 1100),
    ]);
    const { contracts: changes, moved: count } = await monthChanges(scratch.connection, before, after);
    expect(count).toBe(3);
    expect(await monthChanges(scratch.connection, before, after, { offset: 1, limit: 1 })).toMatchObject({
      contracts: [{ prm: LEAVES }],
      moved: 3,
    });
    // Pages, each made from its own contracts' rows, are the whole list in its order; one past the last still counts them.
    for (const limit of [1, 2]) {
      const pages = [];
      for (const offset of [0, limit, 2 * limit])
        pages.push(await monthChanges(scratch.connection, before, after, { offset, limit }));
      expect(pages.flatMap((p) => p.contracts)).toEqual(changes);
      expect(pages.map((p) => p.moved)).toEqual([3, 3, 3]);
    }
    expect(await monthChanges(scratch.connection, before, after, { offset: 3, limit: 5 })).toEqual({
      contracts: [],
      moved: 3,
    });
    expect(changes.map((c) => [c.prm, c.change])).toEqual([
      [MOVES, 'moved'],
      [LEAVES, 'disappeared'],
      [COMES, 'appeared'],
    ]);
    const [moved, left, came] = changes;
    // 100 kWh HPH more at 6.67 c€: 6.67 €.
    expect(moved).toMatchObject({
      before: { energyBaseKWh: 150, turpeVariableEur: 8.95 },
      after: { energyBaseKWh: 250, turpeVariableEur: 15.62 },
      deltaEur: { turpeFixedEur: 0, turpeVariableEur: 6.67, ctaEur: 0 },
    });
    // March's fixed part of 6 kVA BTINFCU4: (15.48 + 19.92 + 54) × 31 / 365 = 7.5929 → 7.59; CTA 21.93 % → 1.66.
    expect(left).toMatchObject({
      after: null,
      deltaEur: { turpeFixedEur: -7.59, turpeVariableEur: -8.95, ctaEur: -1.66 },
    });
    expect(came).toMatchObject({ before: null, deltaEur: { turpeFixedEur: 7.59, ctaEur: 1.66 } });
    expect(await monthChanges(scratch.connection, after, after)).toEqual({ contracts: [], moved: 0 });
    // The file `--changes --format json` sends on: the same changes, one JSON text a line, in order.
    const lines = async (from: string, to: string) => {
      const file = path.join(scratch.dir, 'changes.json');
      await writeMonthChangesJson(scratch.connection, from, to, file);
      return (await readFile(file, 'utf8')).split('\n');
    };
    const written = await lines(before, after);
    expect(written.at(-1)).toBe('');
    expect(written.slice(0, -1).map((line) => JSON.parse(line) as unknown)).toEqual(changes);
    expect(await lines(after, after)).toEqual(['']);
  });
});

describe("the hash of a month's rates", () => {
  const withPower = (fta: string, from: string, power: string): Rates => ({
    ...rates,
    turpe: rates.turpe.map((r) => (r.fta === fta && r.valid_from === from ? { ...r, power_eur_kva_year: power } : r)),
  });

  it('moves with a figure in force in the month, and only then', () => {
    const changed = withPower('BTINFCU4', '2023-08-01', '9.01');
    expect(monthRatesSha256(changed, '2024-03')).not.toBe(monthRatesSha256(rates, '2024-03'));
    expect(monthRatesSha256(changed, '2025-03')).toBe(monthRatesSha256(rates, '2025-03'));
    const sourceOnly = { ...rates, turpe: rates.turpe.map((r) => ({ ...r, source: `${r.source} (corrected)` })) };
    expect(monthRatesSha256(sourceOnly, '2024-03')).toBe(monthRatesSha256(rates, '2024-03'));
  });
});
