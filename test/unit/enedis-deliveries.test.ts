/**
 * Enedis delivery numbers: read from archive names in the shape Enedis gives them (the names of
 * electricore's sequence-audit tests, `tests/ingestion/test_dbt_audit_sequences.py`), and the
 * missed deliveries a series of them reveals.
 */
import { describe, expect, it } from 'vitest';
import {
  deliveryNumberOf,
  describeMissed,
  missedDeliveries,
  type Delivery,
} from '../../src/datasets/enedis/deliveries.js';
import { enedisStatusNotes } from '../../src/datasets/enedis/status-notes.js';

const R151 = (n: number, part = 1, parts = 1, stamp = `202606${String(n).padStart(2, '0')}030716`) =>
  `ERDF_R151_17X000001117366M_GRD-F139_108529521_${String(n).padStart(5, '0')}_Q_${String(part).padStart(5, '0')}_${String(parts).padStart(5, '0')}_${stamp}.zip`;
const C15 = (n: number, dir = '0327') =>
  `17X100A100A0001A_C15_17X000001117366M_GRD-F139_${dir}_${String(n).padStart(5, '0')}_202401${String(n).padStart(2, '0')}000000.zip`;

function delivered(name: string, date: string): Delivery {
  const number = deliveryNumberOf(name);
  if (!number) throw new Error(`${name} carries no number`);
  return { ...number, name, date };
}

describe('deliveryNumberOf', () => {
  it('reads an R151 archive name: the subscription, the number and the part of a delivery split across zips', () => {
    expect(
      deliveryNumberOf('ERDF_R151_17X000001117366M_GRD-F139_108529521_00794_Q_00001_00002_20260608030716.zip'),
    ).toEqual({ series: 'R151 108529521', number: 794, part: 1, parts: 2, stamp: '20260608030716' });
  });

  it('reads C15 and R15 names: the series is the contract and the DIR', () => {
    expect(deliveryNumberOf('17X100A100A0001A_C15_17X000001117366M_GRD-F139_0327_00001_20240530050823.zip')).toEqual({
      series: 'C15 GRD-F139 0327',
      number: 1,
      part: null,
      parts: null,
      stamp: '20240530050823',
    });
    expect(
      deliveryNumberOf('17X100A100A0001A_R15_17X000001117366M_GRD-F139_0321_00012_20140923034411.xml')?.series,
    ).toBe('R15 GRD-F139 0321');
  });

  it('tracks no name without a delivery number', () => {
    expect(deliveryNumberOf('r151.xml')).toBeNull();
    expect(deliveryNumberOf('electricore_c15_avec_releves.xml')).toBeNull();
    expect(deliveryNumberOf('ENEDIS_R151_20260615_002.zip')).toBeNull();
    expect(
      deliveryNumberOf('ERDF_R151_17X000001117366M_GRD-F139_108529521_0794_Q_00001_00002_20260608030716.zip'),
    ).toBeNull();
  });
});

describe('missedDeliveries', () => {
  it('finds the numbers missing between two delivered ones, noticed on the day of the one after', () => {
    const missed = missedDeliveries([
      delivered(R151(1), '2026-06-01'),
      delivered(R151(2), '2026-06-02'),
      delivered(R151(5), '2026-06-05'),
      delivered(R151(6), '2026-06-06'),
      delivered(R151(8), '2026-06-08'),
    ]);
    expect(missed).toEqual([
      expect.objectContaining({ series: 'R151 108529521', from: 3, to: 4, after: 2, before: 5, noticed: '2026-06-05' }),
      expect.objectContaining({ from: 7, to: 7, after: 6, before: 8, noticed: '2026-06-08' }),
    ]);
    expect(missed.map(describeMissed)).toEqual([
      'R151 108529521: 00003–00004 (between 00002 and 00005)',
      'R151 108529521: 00007 (between 00006 and 00008)',
    ]);
  });

  it('does not count a re-delivered number, a late delivery that fills the gap, or another series', () => {
    const deliveries = [
      delivered(R151(1), '2026-06-01'),
      delivered(R151(2), '2026-06-02'),
      delivered(R151(2, 1, 1, '20260610000000'), '2026-06-10'),
      delivered(C15(1), '2024-01-01'),
      delivered(C15(3, '0328'), '2024-01-03'),
    ];
    expect(missedDeliveries(deliveries)).toEqual([]);
    const gap = [...deliveries, delivered(R151(4), '2026-06-04')];
    expect(missedDeliveries(gap).map((m) => [m.series, m.from])).toEqual([['R151 108529521', 3]]);
    expect(missedDeliveries([...gap, delivered(R151(3), '2026-06-12')])).toEqual([]);
  });

  it('counts no gap across a restart of the numbering', () => {
    const restart = [
      delivered(R151(99998, 1, 1, '20260101000000'), '2026-01-01'),
      delivered(R151(99999, 1, 1, '20260102000000'), '2026-01-02'),
      delivered(R151(1, 1, 1, '20260103000000'), '2026-01-03'),
      delivered(R151(2, 1, 1, '20260104000000'), '2026-01-04'),
    ];
    expect(missedDeliveries(restart)).toEqual([]);
  });

  it('finds a part missing from an R151 delivery split across zips', () => {
    const missed = missedDeliveries([
      delivered(R151(794, 1, 3, '20260608030716'), '2026-06-08'),
      delivered(R151(794, 3, 3, '20260608030823'), '2026-06-08'),
      delivered(R151(795, 1, 1, '20260609030716'), '2026-06-09'),
    ]);
    expect(missed).toEqual([expect.objectContaining({ from: 794, part: 2, parts: 3, noticed: '2026-06-08' })]);
    expect(describeMissed(missed[0] ?? expect.fail('no gap'))).toBe('R151 108529521: 00794 part 2 of 3');
  });
});

describe('enedisStatusNotes', () => {
  it('notes each gap on the day it became known, from the deliveries the days recorded', () => {
    const day = (date: string, names: string[]) => ({
      date,
      metrics: {
        deliveries: names.map((name) => {
          const { series, number, part, parts, stamp } = delivered(name, date);
          return { name, series, number, part, parts, stamp };
        }),
      },
    });
    expect(
      enedisStatusNotes([
        day('2026-06-01', [R151(1)]),
        day('2026-06-02', [R151(2)]),
        { date: '2026-06-03', metrics: {} },
        day('2026-06-04', [R151(4)]),
      ]),
    ).toEqual([{ date: '2026-06-04', note: 'missed delivery R151 108529521: 00003 (between 00002 and 00004)' }]);
  });
});
