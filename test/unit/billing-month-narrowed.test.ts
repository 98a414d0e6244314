/**
 * A month written by `writeBillingParquet` (its events gathered, its readings narrowed once to those
 * the query can use, billed in slices) against the same month billed by one query over every stored
 * file (`billMonth`), on contracts whose bounds are R151 readings inside the month: an entry and an
 * exit without an index, a first event that is not an entry, around daily R151 readings.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  billMonth,
  gatheredMonth,
  writeBillingParquet,
  writtenContracts,
  type ContractMonth,
} from '../../src/billing/billing.js';
import { sqlString } from '../../src/duckdb/columns.js';
import { loadRates } from '../../src/billing/rates.js';
import { storeFlows } from '../support/billing-store.js';
import { c15Flow, r151Flow, type R151Reading } from '../support/enedis-flows.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-billing-narrowed-');
const rates = loadRates();
const [ENTRY, EXIT, FIRST_CHANGE, WHOLE] = ['99660599682001', '99660599682002', '99660599682003', '99660599682004'];

/** An R151 reading of every PRM on every day from 2024-02-28 to 2024-03-31, the index rising 10 kWh a day. */
const dailyReadings = (): R151Reading[] =>
  [ENTRY, EXIT, FIRST_CHANGE, WHOLE].flatMap((prm) =>
    Array.from({ length: 33 }, (_, i) => {
      const date = new Date(Date.UTC(2024, 1, 28 + i)).toISOString().slice(0, 10);
      return { prm, date, wh: { HPH: (1000 + 10 * i) * 1000, HCH: 500_000, HPB: 0, HCB: 0 } };
    }),
  );

/** The month's stored input: the contracts and the readings above. */
async function storedMonth() {
  const stored = await storeFlows(scratch, [
    c15Flow([
      { prm: ENTRY, contract: 'E1', at: '2024-03-10T00:00:00+01:00', nature: 'MES', kva: 6 },
      { prm: EXIT, contract: 'X1', at: '2024-02-01T00:00:00+01:00', nature: 'MES', kva: 9 },
      { prm: EXIT, contract: 'X1', at: '2024-03-20T00:00:00+01:00', nature: 'RES', state: 'RESILIE', kva: 9 },
      { prm: FIRST_CHANGE, contract: 'F1', at: '2024-03-15T00:00:00+01:00', nature: 'MCT', kva: 12 },
      { prm: WHOLE, contract: 'W1', at: '2024-01-05T00:00:00+01:00', nature: 'MES', kva: 6 },
    ]),
    r151Flow(dailyReadings()),
  ]);
  return { month: '2024-03', prms: [], ...stored };
}

describe('a month billed in slices from its narrowed readings', () => {
  it('gives the contracts one query over every stored file gives, bounds inside the month included', async () => {
    const input = await storedMonth();
    expect(input.eventFiles.length).toBeGreaterThan(1);
    const target = path.join(scratch.dir, 'billing_elements.parquet');
    await writeBillingParquet(scratch.connection, rates, input, target);
    const written: ContractMonth[] = [];
    for await (const batch of writtenContracts(scratch.connection, target)) written.push(...batch);

    const whole = await billMonth(scratch.connection, rates, input);
    expect(written).toEqual(whole.contracts);
    // Each bound found an R151 reading: the entry's day, the exit's day, the first event's day.
    expect(written.map((c) => [c.prm, c.quality, c.energyKWh.hph])).toEqual([
      [ENTRY, 'real', 220],
      [EXIT, 'real', 190],
      [FIRST_CHANGE, 'real', 170],
      [WHOLE, 'real', 310],
    ]);
  });

  it('aggregates the reading spans a range of PRMs at a time to the rows of one aggregate', async () => {
    const input = await storedMonth();
    const rowsOf = async (file: string | undefined) =>
      (
        await scratch.connection.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(file ?? '')})`)
      ).getRowObjectsJson();
    const whole = await gatheredMonth(scratch.connection, input, path.join(scratch.dir, 'whole.parquet'));
    // Ranges of 2 PRMs: two aggregates, joined.
    const ranged = await gatheredMonth(scratch.connection, input, path.join(scratch.dir, 'ranged.parquet'), 2);
    const spans = await rowsOf(whole.readingSpansFile);
    expect(spans.map((row) => row.prm)).toEqual([ENTRY, EXIT, FIRST_CHANGE, WHOLE]);
    expect(await rowsOf(ranged.readingSpansFile)).toEqual(spans);
  });
});
