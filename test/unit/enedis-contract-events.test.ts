/**
 * C15 contract events on real DuckDB: every event is read with the situation it carries, with or
 * without readings (an MCT that only changes the subscribed power has none), kept once however
 * often it is delivered, and refused only when it cannot be placed (a PRM that is not 14 digits,
 * a date that is not one).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TABLE, INDEX_TABLE } from '../../src/datasets/enedis/day-transform.js';
import { enedisDrop } from '../../src/datasets/enedis/drop.js';
import { enedisDataset } from '../../src/datasets/enedis/module.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { c15Flow } from '../support/enedis-flows.js';
import { runModuleDay } from '../support/module-day.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-enedis-contract-events-');
const config = { jumpKWh: 1000 };
const NOW = new Date('2026-11-22T12:00:00Z');
const PRM = '99660599682036';
const SAMPLE = path.join('test', 'fixtures', 'enedis', 'electricore_c15_avec_releves.xml');

let written = 0;
async function fileOf(body: string, order = 0): Promise<DayFile> {
  written += 1;
  const file = path.join(scratch.dir, `c15-${written}.xml`);
  await writeFile(file, body);
  return {
    source: 'drop',
    key: `raw/enedis/x/c15-${written}.xml`,
    path: file,
    sha256: await sha256OfFile(file),
    order,
    options: {},
  };
}

const daysOf = async (file: DayFile) =>
  (await enedisDrop.days({
    db: scratch.connection,
    path: file.path,
    file: file.key,
    sha256: file.sha256,
    options: {},
    config,
    now: NOW,
  })) ?? [];

const COLUMNS = `prm, contract, event, strftime(event_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS event_at,
  strftime(event_date, '%Y-%m-%d') AS event_date, state, fta, kva::DOUBLE AS kva, kva_text, calendar, segment, readings`;

describe('C15 contract events', () => {
  it('reads the real sample event with the situation after it and counts its readings', async () => {
    const file = await fileOf(await readFile(SAMPLE, 'utf8'));
    // The event at 2024-10-04 00:01 (+02:00) stands for that midnight: it closes 2024-10-03.
    expect(await daysOf(file)).toEqual(['2024-10-03']);
    const day = await runModuleDay(enedisDataset, config, scratch, '2024-10-03', [file], { metrics: false });
    expect(await day.rows(EVENT_TABLE, COLUMNS)).toEqual([
      {
        prm: PRM,
        contract: '248912973',
        event: 'MCT',
        event_at: '2024-10-03T22:00:00Z',
        event_date: '2024-10-04',
        state: 'EN SERVICE',
        fta: 'BTINFCU4',
        kva: 6,
        kva_text: '6.0',
        calendar: 'DI000003',
        segment: 'C5',
        // One distributor and one supplier value before, four distributor and one supplier after.
        readings: 7,
      },
    ]);
  });

  it('takes a C15 whose events carry no index at all, instead of refusing it', async () => {
    const file = await fileOf(
      c15Flow([{ prm: PRM, at: '2024-03-10T00:00:00+01:00', nature: 'MCT', contract: 'C1', kva: 9 }]),
    );
    expect(await daysOf(file)).toEqual(['2024-03-09']);
    const day = await runModuleDay(enedisDataset, config, scratch, '2024-03-09', [file], { metrics: false });
    expect(await day.rows(INDEX_TABLE)).toEqual([]);
    expect(await day.rows(EVENT_TABLE, 'contract, event, kva::DOUBLE AS kva, readings')).toEqual([
      { contract: 'C1', event: 'MCT', kva: 9, readings: 0 },
    ]);
    expect(day.transform.rows).toEqual({ read: 1, written: 1, rejected: 0 });
  });

  it('keeps a re-delivered event once, and two different events at one instant both', async () => {
    const events = [
      { prm: PRM, at: '2024-03-10T00:00:00+01:00', nature: 'MCT', contract: 'C1', kva: 9 },
      { prm: PRM, at: '2024-03-10T00:00:00+01:00', nature: 'MCT', contract: 'C1', kva: '12.0' },
    ];
    const first = await fileOf(c15Flow(events), 0);
    // The same events delivered again in another file, one power written another way (9.000).
    const again = await fileOf(c15Flow([{ ...events[0]!, kva: '9.000' }, events[1]!]), 1);
    const day = await runModuleDay(enedisDataset, config, scratch, '2024-03-09', [first, again], { metrics: false });
    const rows = await day.rows(EVENT_TABLE, 'kva::DOUBLE AS kva, file');
    expect(rows).toEqual([
      { kva: 9, file: again.key },
      { kva: 12, file: again.key },
    ]);
  });

  it('reads a plain event date as that day at 00:00 Paris', async () => {
    const file = await fileOf(c15Flow([{ prm: PRM, at: '2024-03-10', nature: 'MES', contract: 'C1' }]));
    const day = await runModuleDay(enedisDataset, config, scratch, '2024-03-09', [file], { metrics: false });
    expect(await day.rows(EVENT_TABLE, "event, strftime(event_date, '%Y-%m-%d') AS event_date")).toEqual([
      { event: 'MES', event_date: '2024-03-10' },
    ]);
  });

  it('rejects an event whose date is not a date, naming Date_Evenement', async () => {
    const file = await fileOf(
      c15Flow([
        { prm: PRM, at: 'le 10 mars', nature: 'MCT', contract: 'C1' },
        { prm: PRM, at: '2024-03-10T00:00:00+01:00', nature: 'MCT', contract: 'C1' },
      ]),
    );
    const day = await runModuleDay(enedisDataset, config, scratch, '2024-03-09', [file], { metrics: false });
    expect(day.rejects).toEqual([
      {
        file: file.key,
        line: 4,
        column: 'Date_Evenement',
        value: 'le 10 mars',
        reason: 'the event date is not a date',
      },
    ]);
    expect(await day.rows(EVENT_TABLE, 'event')).toHaveLength(1);
  });
});
