/**
 * The pieces of eCO2mix revisions that need no server: the nature of a row, the one request over a
 * window and what its answer says of each provisional day, the grouped counts of the ODRÉ stand-in.
 */
import { describe, expect, it } from 'vitest';
import { groupedExport } from '../../src/datasets/eco2mix/demo/odre-grouped.js';
import { natureOf } from '../../src/datasets/eco2mix/nature.js';
import { eco2mixRangeRevisions, eco2mixRevisions } from '../../src/datasets/eco2mix/revisions.js';
import { BadDataError } from '../../src/workflow-safe/errors.js';

const body = (groups: unknown) => new TextEncoder().encode(JSON.stringify(groups));
const day = (date: string, nature: string) => ({ date, metrics: { dataset: 'eco2mix', nature } });

describe('eCO2mix natures', () => {
  it('reads RTE’s nature texts, definitive only on the consolidated source', () => {
    expect(natureOf('realtime', 'Données temps réel')).toBe('realtime');
    expect(natureOf('consolidated', 'Données consolidées')).toBe('consolidated');
    expect(natureOf('consolidated', 'Données définitives')).toBe('definitive');
    expect(natureOf('consolidated', 'Donnees definitives')).toBe('definitive');
    expect(natureOf('realtime', 'Données définitives')).toBe('realtime');
  });

  it('calls real-time and consolidated days provisional, a definitive day final', () => {
    expect(eco2mixRevisions.provisional({ nature: 'realtime' })).toBe(true);
    expect(eco2mixRevisions.provisional({ nature: 'consolidated' })).toBe(true);
    expect(eco2mixRevisions.provisional({ nature: 'definitive' })).toBe(false);
    // Days measured before `nature` was kept: read from `source`; a day without points is not revisable.
    expect(eco2mixRevisions.provisional({ source: 'mixed' })).toBe(true);
    expect(eco2mixRevisions.provisional({ source: null, nature: null })).toBe(false);
  });
});

describe('the one request over a window', () => {
  it('asks ODRÉ’s consolidated dataset for counts per day and nature between the window’s UTC bounds', () => {
    const url = new URL(eco2mixRangeRevisions.url('2026-10-26', '2026-11-25', { baseUrl: 'https://odre.example/' }));
    expect(url.pathname).toBe('/api/explore/v2.1/catalog/datasets/eco2mix-national-cons-def/exports/json');
    expect(url.searchParams.get('group_by')).toBe('date, nature');
    expect(url.searchParams.get('select')).toBe(
      'date, nature, count(date_heure) as n_rows, count(consommation) as n_points',
    );
    // 2026-10-26 00:00 Paris is 23:00Z (winter time); 2026-11-26 00:00 Paris is 23:00Z.
    expect(url.searchParams.get('where')).toBe(
      "date_heure >= '2026-10-25T23:00:00Z' AND date_heure < '2026-11-25T23:00:00Z'",
    );
  });

  it('names the days whose newer nature is whole, and says why the others wait', () => {
    const answer = body([
      { date: '2026-11-01', nature: 'Données consolidées', n_rows: 96, n_points: 48 },
      { date: '2026-11-02', nature: 'Données consolidées', n_rows: 40, n_points: 20 },
      { date: '2026-11-03', nature: 'Données consolidées', n_rows: 96, n_points: 0 },
      { date: '2026-11-04', nature: 'Données consolidées', n_rows: 96, n_points: 48 },
      { date: '2026-11-05', nature: 'Données définitives', n_rows: 96, n_points: 48 },
    ]);
    const verdicts = eco2mixRangeRevisions.read({
      body: answer,
      file: 'aggregate',
      days: [
        day('2026-11-01', 'realtime'),
        day('2026-11-02', 'realtime'),
        day('2026-11-03', 'realtime'),
        day('2026-11-04', 'consolidated'),
        day('2026-11-05', 'consolidated'),
        day('2026-11-06', 'realtime'),
      ],
    });
    expect(verdicts).toEqual([
      { date: '2026-11-01', revised: true },
      {
        date: '2026-11-02',
        revised: false,
        reason:
          'consolidated data published for the day covers 20 of its 48 half-hours: the day stays on its real-time data',
      },
      {
        date: '2026-11-03',
        revised: false,
        reason:
          'consolidated data published for the day has no consumption value (all ND): the day stays on its real-time data',
      },
      // Consolidated again is nothing newer for a consolidated day.
      { date: '2026-11-04', revised: false, reason: null },
      { date: '2026-11-05', revised: true },
      { date: '2026-11-06', revised: false, reason: null },
    ]);
  });

  it('refuses an answer that is not the aggregate, naming the request', () => {
    const read = (text: string) =>
      eco2mixRangeRevisions.read({ body: new TextEncoder().encode(text), file: 'https://odre/x', days: [] });
    expect(() => read('<html>')).toThrow(BadDataError);
    expect(() => read('[{"date":"2026-11-01"}]')).toThrow(
      /https:\/\/odre\/x: the aggregate of consolidated days is not a list/,
    );
  });
});

describe('the ODRÉ stand-in’s grouped export', () => {
  it('counts the cells holding a value per group, an empty cell or ND being none', () => {
    const header = ['date', 'nature', 'date_heure', 'consommation'];
    const rows = [
      ['2026-11-01', 'Données consolidées', '2026-11-01T00:00:00+00:00', '50000'],
      ['2026-11-01', 'Données consolidées', '2026-11-01T00:15:00+00:00', ''],
      ['2026-11-01', 'Données consolidées', '2026-11-01T00:30:00+00:00', 'ND'],
      ['2026-11-02', 'Données consolidées', '2026-11-02T00:00:00+00:00', '51000'],
    ];
    expect(
      groupedExport(
        'date, nature, count(date_heure) as n_rows, count(consommation) as n_points',
        'date, nature',
        header,
        rows,
      ),
    ).toEqual({
      json: [
        { date: '2026-11-01', nature: 'Données consolidées', n_rows: 3, n_points: 1 },
        { date: '2026-11-02', nature: 'Données consolidées', n_rows: 1, n_points: 1 },
      ],
    });
    expect(groupedExport('sum(consommation) as s', 'date', header, rows)).toEqual({
      refused: 'the stand-in groups plain fields and count(field) as name only, not "sum(consommation) as s"',
    });
  });
});
