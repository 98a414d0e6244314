/**
 * CourantMetrics without servers: labels stay bounded, cache reads count only with a cache,
 * fallback reads are counted by area and dataset, freshness follows the newest succeeded day
 * (also from the day records), and METRICS_ADDRESS is checked at start.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { CourantMetrics } from '../../src/observability/index.js';
import { parisDayBounds } from '../../src/workflow-safe/partition.js';
import type { DayStatus } from '../../src/workflow-safe/backfill.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';

const NOW = new Date('2024-10-28T12:00:00Z');

function metrics(cacheEnabled = false): CourantMetrics {
  return new CourantMetrics({
    datasets: [
      { name: 'eco2mix', dueHours: 7 },
      { name: 'smartmeter', dueHours: null },
    ],
    codeVersion: 'test',
    cacheEnabled,
    now: () => NOW,
  });
}

async function valueOf(m: CourantMetrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = await m.registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe('CourantMetrics', () => {
  it('counts a finished day, its rows and failed checks, and records an unknown dataset as "other"', async () => {
    const m = metrics();
    m.dayFinished({
      dataset: 'eco2mix',
      date: '2024-10-26',
      status: 'succeeded',
      rows: { read: 100, written: 96, rejected: 4 },
    });
    m.dayFinished({
      dataset: 'nope',
      date: '2024-10-26',
      status: 'failed',
      rows: null,
      checks: [
        {
          name: 'balance',
          severity: 'block',
          description: '',
          passed: false,
          observed: 1,
          threshold: '≤ 0.01',
          rowsInvolved: 1,
          sample: [],
          file: 'f',
          accepted: false,
        },
      ],
    });
    expect(await valueOf(m, 'courant_days_finished_total', { dataset: 'eco2mix', status: 'succeeded' })).toBe(1);
    expect(await valueOf(m, 'courant_rows_written_total', { dataset: 'eco2mix' })).toBe(96);
    expect(await valueOf(m, 'courant_rows_rejected_total', { dataset: 'eco2mix' })).toBe(4);
    expect(await valueOf(m, 'courant_days_finished_total', { dataset: 'other', status: 'failed' })).toBe(1);
    expect(await valueOf(m, 'courant_quality_checks_failed_total', { dataset: 'other', check: 'balance' })).toBe(1);
    expect(await valueOf(m, 'courant_days_finished_total', { dataset: 'nope' })).toBeUndefined();
  });

  it('counts a cancelled day apart from the failed ones, from zero', async () => {
    const m = metrics();
    const of = (status: string) => valueOf(m, 'courant_days_finished_total', { dataset: 'eco2mix', status });
    expect(await of('cancelled')).toBe(0);
    m.dayFinished({ dataset: 'eco2mix', date: '2024-10-26', status: 'cancelled', rows: null });
    expect(await of('cancelled')).toBe(1);
    expect(await of('failed')).toBe(0);
  });

  it('counts cache hits and misses only when reads go through a cache, and fallback reads by area and dataset', async () => {
    const cached = metrics(true);
    cached.objectRead('raw/eco2mix/dt=2024-10-26/realtime.csv', 'cache');
    cached.objectRead('processed/eco2mix/dt=2024-10-26/t.parquet', 'store');
    cached.objectRead('processed/eco2mix/dt=2024-10-26/t.parquet', 'fallback');
    expect(await valueOf(cached, 'courant_object_cache_reads_total', { result: 'hit' })).toBe(1);
    expect(await valueOf(cached, 'courant_object_cache_reads_total', { result: 'miss' })).toBe(1);
    expect(
      await valueOf(cached, 'courant_object_fallback_reads_total', { area: 'processed', dataset: 'eco2mix' }),
    ).toBe(1);

    const local = metrics(false);
    local.objectRead('raw/eco2mix/dt=2024-10-26/realtime.csv', 'store');
    expect(await valueOf(local, 'courant_object_cache_reads_total', { result: 'miss' })).toBeUndefined();
    local.objectWritten('reports/dt=2024-10-26/daily_report.html', 10);
    local.objectWritten('somewhere/else', 5);
    expect(await valueOf(local, 'courant_object_write_bytes_total', { area: 'reports', dataset: 'none' })).toBe(10);
    expect(await valueOf(local, 'courant_object_write_bytes_total', { area: 'other', dataset: 'none' })).toBe(5);
  });

  it('gives freshness from the newest succeeded day, seeded from the records, never going back to an older day', async () => {
    const m = metrics();
    const runs: DayStatus[] = [
      { dataset: 'eco2mix', date: '2024-10-25', status: 'succeeded', errorType: null },
      { dataset: 'eco2mix', date: '2024-10-26', status: 'failed', errorType: 'TransientIO' },
      { dataset: 'smartmeter', date: '2024-10-20', status: 'succeeded', errorType: null },
    ];
    const records = { listDayStatuses: () => Promise.resolve(runs) };
    await m.freshness.seed(records, ['eco2mix', 'smartmeter'], NOW);
    const since = (date: string) => (NOW.getTime() - parisDayBounds(date).end.getTime()) / 1000;
    expect(await valueOf(m, 'courant_dataset_freshness_seconds', { dataset: 'eco2mix' })).toBe(since('2024-10-25'));
    m.dayFinished({ dataset: 'eco2mix', date: '2024-10-27', status: 'succeeded', rows: null });
    m.dayFinished({ dataset: 'eco2mix', date: '2024-10-01', status: 'succeeded', rows: null });
    // 2024-10-27 is the 25-hour day: it ends at 2024-10-27T23:00Z.
    expect(await valueOf(m, 'courant_dataset_freshness_seconds', { dataset: 'eco2mix' })).toBe(13 * 3600);
    expect(await valueOf(m, 'courant_dataset_freshness_seconds', { dataset: 'smartmeter' })).toBe(since('2024-10-20'));
    expect(await valueOf(m, 'courant_dataset_due_seconds', { dataset: 'eco2mix' })).toBe(7 * 3600);
    expect(await valueOf(m, 'courant_dataset_due_seconds', { dataset: 'smartmeter' })).toBeUndefined();
  });
});

describe('METRICS_ADDRESS', () => {
  it('is off when unset, and a malformed value is named at start', () => {
    expect(loadConfig({}, DATASET_MODULES).metricsAddress).toBeNull();
    expect(loadConfig({ METRICS_ADDRESS: '127.0.0.1:9464' }, DATASET_MODULES).metricsAddress).toBe('127.0.0.1:9464');
    for (const bad of ['9464', 'localhost', '127.0.0.1:70000']) {
      expect(() => loadConfig({ METRICS_ADDRESS: bad }, DATASET_MODULES), bad).toThrow(ConfigError);
      expect(() => loadConfig({ METRICS_ADDRESS: bad }, DATASET_MODULES), bad).toThrow(/METRICS_ADDRESS/);
    }
  });
});
