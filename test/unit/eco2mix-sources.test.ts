import { describe, expect, it } from 'vitest';
import { ECO2MIX_SOURCES, eco2mixExportUrl } from '../../src/datasets/eco2mix/sources.js';

describe('eco2mixExportUrl', () => {
  it('asks the CSV export for the UTC bounds of a summer Paris day', () => {
    const url = new URL(eco2mixExportUrl('https://odre.opendatasoft.com', 'eco2mix-national-tr', '2025-08-22'));
    expect(url.origin).toBe('https://odre.opendatasoft.com');
    expect(url.pathname).toBe('/api/explore/v2.1/catalog/datasets/eco2mix-national-tr/exports/csv');
    expect(url.searchParams.get('where')).toBe(
      "date_heure >= '2025-08-21T22:00:00Z' AND date_heure < '2025-08-22T22:00:00Z'",
    );
    expect(url.searchParams.get('order_by')).toBe('date_heure');
    expect(url.searchParams.get('timezone')).toBe('UTC');
    expect(url.searchParams.get('delimiter')).toBe(';');
    expect(url.searchParams.get('use_labels')).toBe('false');
  });

  it('encodes the query: no raw spaces, quotes or semicolons in the URL', () => {
    const text = eco2mixExportUrl('https://odre.opendatasoft.com', 'eco2mix-national-tr', '2025-08-22');
    const query = text.slice(text.indexOf('?') + 1);
    expect(query).not.toMatch(/[ ';>]/);
    expect(query).toContain('delimiter=%3B');
  });

  it('gives the same URL whether the base ends with a slash or not', () => {
    expect(eco2mixExportUrl('http://127.0.0.1:8080/', 'x', '2024-01-01')).toBe(
      eco2mixExportUrl('http://127.0.0.1:8080', 'x', '2024-01-01'),
    );
  });

  it('keeps a base path', () => {
    const url = new URL(eco2mixExportUrl('http://127.0.0.1:8080/proxy/', 'x', '2024-01-01'));
    expect(url.pathname).toBe('/proxy/api/explore/v2.1/catalog/datasets/x/exports/csv');
  });

  it.each([
    ['2024-03-31', '2024-03-30T23:00:00Z', '2024-03-31T22:00:00Z'],
    ['2024-10-27', '2024-10-26T22:00:00Z', '2024-10-27T23:00:00Z'],
    ['2024-01-15', '2024-01-14T23:00:00Z', '2024-01-15T23:00:00Z'],
  ])('bounds the Paris day %s by %s and %s', (date, start, end) => {
    const url = new URL(eco2mixExportUrl('https://example.org', 'eco2mix-national-cons-def', date));
    expect(url.searchParams.get('where')).toBe(`date_heure >= '${start}' AND date_heure < '${end}'`);
  });
});

describe('ECO2MIX_SOURCES', () => {
  it('lists real time then consolidated with their ODRÉ dataset ids', () => {
    expect(ECO2MIX_SOURCES).toEqual([
      { source: 'realtime', datasetId: 'eco2mix-national-tr' },
      { source: 'consolidated', datasetId: 'eco2mix-national-cons-def' },
    ]);
  });
});
