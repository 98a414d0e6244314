import { describe, expect, it } from 'vitest';
import type { Eco2mixRecord } from '../../src/datasets/eco2mix/record.js';
import { eco2mixRecord, loadSampleDay } from '../support/eco2mix-fixtures.js';
import { recordsToExport, useEco2mixReader } from '../support/eco2mix-read.js';

const eco2mix = useEco2mixReader('courant-eco2mix-merge-');

const DATE = '2025-08-22';

function pick(records: Eco2mixRecord[]): Array<[string, string, number | null]> {
  return records.map((record) => [record.instant.slice(11, 16), record.source, record.consommation]);
}

describe('mergeEco2mixSources', () => {
  it('keeps the consolidated record when both sources have a consumption', async () => {
    const merged = await eco2mix.merge(
      [
        eco2mixRecord('2025-08-22T10:00:00Z', { consommation: 45_000 }),
        eco2mixRecord('2025-08-22T10:00:00Z', { source: 'consolidated', consommation: 45_100 }),
      ],
      DATE,
    );
    expect(pick(merged)).toEqual([['10:00', 'consolidated', 45_100]]);
  });

  it('keeps the real-time record when the consolidated one has forecasts only, whatever the order', async () => {
    const realtime = eco2mixRecord('2025-08-22T10:15:00Z', { consommation: 45_000, prevision_j1: 44_000 });
    const consolidated = eco2mixRecord('2025-08-22T10:15:00Z', {
      source: 'consolidated',
      prevision_j1: 44_500,
    });
    expect(pick(await eco2mix.merge([realtime, consolidated], DATE))).toEqual([['10:15', 'realtime', 45_000]]);
    expect(pick(await eco2mix.merge([consolidated, realtime], DATE))).toEqual([['10:15', 'realtime', 45_000]]);
  });

  it('keeps the consolidated forecasts when neither source has a consumption', async () => {
    const merged = await eco2mix.merge(
      [
        eco2mixRecord('2025-08-22T10:15:00Z', { prevision_j1: 44_000 }),
        eco2mixRecord('2025-08-22T10:15:00Z', { source: 'consolidated', prevision_j1: 44_500 }),
      ],
      DATE,
    );
    expect(merged.map((record) => [record.source, record.prevision_j1])).toEqual([['consolidated', 44_500]]);
  });

  it('drops records outside the Paris day, start included and end excluded', async () => {
    const merged = await eco2mix.merge(
      [
        eco2mixRecord('2025-08-21T21:45:00Z', { consommation: 1 }),
        eco2mixRecord('2025-08-21T22:00:00Z', { consommation: 2 }),
        eco2mixRecord('2025-08-22T21:45:00Z', { consommation: 3 }),
        eco2mixRecord('2025-08-22T22:00:00Z', { consommation: 4 }),
      ],
      DATE,
    );
    expect(merged.map((record) => record.consommation)).toEqual([2, 3]);
  });

  it('sorts by instant and keeps one record per instant', async () => {
    const merged = await eco2mix.merge(
      [
        eco2mixRecord('2025-08-22T12:00:00Z', { consommation: 3 }),
        eco2mixRecord('2025-08-22T08:00:00Z', { consommation: 1 }),
        eco2mixRecord('2025-08-22T10:00:00Z', { consommation: 2 }),
        eco2mixRecord('2025-08-22T10:00:00Z', { consommation: 22 }),
      ],
      DATE,
    );
    expect(pick(merged)).toEqual([
      ['08:00', 'realtime', 1],
      ['10:00', 'realtime', 22],
      ['12:00', 'realtime', 3],
    ]);
  });

  it('merges the sample day: consolidated on :00/:30, real time on :15/:45, 88 instants', async () => {
    const day = loadSampleDay();
    const realtime = (await eco2mix.read(day.realtimeCsv, { file: 'tr.csv', source: 'realtime' })).records;
    const consolidated = (await eco2mix.read(day.consolidatedCsv, { file: 'cd.csv', source: 'consolidated' })).records;
    const merged = await eco2mix.merge([...realtime, ...consolidated], day.date);
    expect(merged).toHaveLength(88);
    const wrongSource = merged.filter((record) => {
      const minutes = new Date(record.instant).getUTCMinutes();
      return record.source !== (minutes % 30 === 0 ? 'consolidated' : 'realtime');
    });
    expect(wrongSource).toEqual([]);
    expect(merged[0]?.instant).toBe('2025-08-22T00:00:00.000Z');
    expect(merged.at(-1)?.instant).toBe('2025-08-22T21:45:00.000Z');
  });
});

describe('natures in the merge: a newer nature wins, an older one never replaces it', () => {
  const start = Date.parse('2025-08-21T22:00:00Z');
  const quarterHours = (from: number, count: number, step: number) =>
    Array.from({ length: count }, (_, i) => new Date(start + (from + i * step) * 15 * 60_000).toISOString());
  const realtimeDay = quarterHours(0, 96, 1).map((at, i) => eco2mixRecord(at, { consommation: 40_000 + i }));
  const consolidated = (instants: string[], nature = 'Données consolidées') =>
    instants.map((at) => eco2mixRecord(at, { source: 'consolidated', nature, consommation: 50_000 }));

  it('leaves the real-time rows out once consolidated data has every half-hour of the day', async () => {
    const merged = await eco2mix.merge([...realtimeDay, ...consolidated(quarterHours(0, 48, 2))], DATE);
    expect(merged).toHaveLength(48);
    expect(new Set(merged.map((r) => r.source))).toEqual(new Set(['consolidated']));
  });

  it('keeps the real-time day where consolidated data covers part of it only', async () => {
    const merged = await eco2mix.merge([...realtimeDay, ...consolidated(quarterHours(0, 47, 2))], DATE);
    expect(merged).toHaveLength(96);
    expect(merged.filter((r) => r.source === 'realtime')).toHaveLength(49);
  });

  it('takes the definitive row over the consolidated one at an instant, whichever file came last', async () => {
    const at = quarterHours(40, 1, 1);
    const definitive = recordsToExport(consolidated(at, 'Données définitives'));
    const later = recordsToExport(consolidated(at).map((r) => ({ ...r, consommation: 51_000 })));
    const { records } = await eco2mix.transform(DATE, [
      ['consolidated', definitive],
      ['consolidated', later],
    ]);
    expect(records.map((r) => [r.nature, r.consommation])).toEqual([['Données définitives', 50_000]]);
  });
});
