/**
 * The cityflow demos on their shipped real samples: the traffic stand-in answers the module's own
 * request for a day as the portal would, and the days said whole are those the sample has whole;
 * the weather stand-in answers a past day from the archive; the Vélib' demo's day has a status
 * snapshot per slot (92 on a 23-hour day) that the feed's check accepts, varying over the day within
 * each station's capacity, the same bytes every time, plus one station list; the roadworks demo's
 * day has one list the check accepts. `courant demo --datasets` resolves `cityflow` to all four and
 * picks a day every demo covers.
 */
import { describe, expect, it } from 'vitest';
import { demoDate, demoModules, withDemo } from '../../src/cli/demo-datasets.js';
import { UsageError } from '../../src/cli/errors.js';
import { roadworksDemo } from '../../src/datasets/cityflow-roadworks/demo/demo.js';
import { checkRoadworksBody } from '../../src/datasets/cityflow-roadworks/source.js';
import {
  TRAFFIC_DEMO_DAYS,
  loadTrafficSample,
  trafficExport,
} from '../../src/datasets/cityflow-traffic/demo/sample-export.js';
import { cityflowTrafficDataset } from '../../src/datasets/cityflow-traffic/module.js';
import { trafficExportUrl } from '../../src/datasets/cityflow-traffic/source.js';
import { velibDemo } from '../../src/datasets/cityflow-velib/demo/demo.js';
import { checkGbfsBody } from '../../src/datasets/cityflow-velib/source.js';
import { archiveUrl } from '../../src/datasets/cityflow-weather/source.js';
import { archiveAnswer, loadWeatherSample } from '../../src/datasets/cityflow-weather/demo/open-meteo-answers.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { parisDateOf } from '../../src/workflow-safe/partition.js';

const WITH_DEMO = withDemo(DATASET_MODULES);
const CITYFLOW = ['cityflow-traffic', 'cityflow-weather', 'cityflow-velib', 'cityflow-roadworks'];
const now = new Date('2026-01-15T12:00:00Z');

const decode = (body: Uint8Array) => new TextDecoder().decode(body);

describe('the traffic demo', () => {
  it('answers the day asked for in the portal machine layout, 24 hours ending in the day', async () => {
    const rows = await loadTrafficSample();
    const url = new URL(trafficExportUrl('http://127.0.0.1:1', '2023-11-04'));
    const answer = trafficExport(rows, url.searchParams);
    if (!('csv' in answer)) throw new Error(answer.refused);
    const [header, ...lines] = answer.csv.trimEnd().split('\r\n');
    expect(header).toBe('iu_ac;libelle;t_1h;q;k;etat_trafic');
    expect(lines).toHaveLength(24);
    const ends = lines.map((line) => Date.parse(line.split(';')[2] ?? ''));
    expect(Math.min(...ends)).toBe(Date.parse('2023-11-04T00:00:00Z'));
    expect(Math.max(...ends)).toBe(Date.parse('2023-11-04T23:00:00Z'));
    expect(() =>
      cityflowTrafficDataset.checkDownload?.('traffic', new TextEncoder().encode(answer.csv), 'x'),
    ).not.toThrow();
  });

  it('says whole exactly the days of the sample with a flow in each of their 24 hours', async () => {
    const rows = await loadTrafficSample();
    const hours = new Map<string, Set<number>>();
    for (const row of rows) {
      if (!row.q) continue;
      const start = Date.parse(row.t_1h ?? '') - 3_600_000;
      const day = parisDateOf(new Date(start));
      hours.set(day, (hours.get(day) ?? new Set()).add(start));
    }
    const whole = [...hours]
      .filter(([, set]) => set.size === 24)
      .map(([day]) => day)
      .sort();
    expect(TRAFFIC_DEMO_DAYS).toEqual(whole);
  });

  it('refuses a where clause it cannot read, as the portal does', async () => {
    const answer = trafficExport(await loadTrafficSample(), new URLSearchParams({ select: 'iu_ac', where: 'q > 3' }));
    expect(answer).toEqual({ refused: 'Invalid where clause: q > 3' });
  });
});

describe('the weather demo', () => {
  it('answers a past day from the archive, every hour known', async () => {
    const sample = await loadWeatherSample();
    const url = new URL(
      archiveUrl(
        {
          archiveUrl: 'http://127.0.0.1:1/v1/archive',
          forecastUrl: '',
          pastDays: 14,
          latitude: 48.8566,
          longitude: 2.3522,
          daily: false,
        },
        '2023-11-04',
      ),
    );
    const answer = archiveAnswer(sample, url.searchParams, now.getTime()) as { hourly: Record<string, unknown[]> };
    expect(answer.hourly.time).toHaveLength(48);
    expect(answer.hourly.temperature_2m?.every((v) => typeof v === 'number')).toBe(true);
  });
});

describe('the Vélib demo', () => {
  const demo = velibDemo;
  const config = { baseUrl: 'http://127.0.0.1:1/opendata/Velib_Metropole', collect: false };

  it('gives one station list and a status snapshot per slot, accepted by the feed check, varying within capacity', async () => {
    const snapshots = (await demo?.snapshots?.('2023-11-04', config, 15)) ?? [];
    expect(snapshots.filter((s) => s.source === 'velib-stations').map((s) => s.slot.name)).toEqual(['0000']);
    const status = snapshots.filter((s) => s.source === 'velib');
    expect(status).toHaveLength(96);
    for (const s of status) expect(() => checkGbfsBody(s.body, s.slot.name)).not.toThrow();
    type Station = {
      station_id: number;
      num_bikes_available: number;
      num_docks_available: number;
      last_reported: number;
    };
    const stations = (body: Uint8Array) =>
      (JSON.parse(decode(body)) as { data: { stations: Station[] } }).data.stations;
    const night = stations(status[8]?.body ?? new Uint8Array());
    const noon = stations(status[48]?.body ?? new Uint8Array());
    expect(noon.map((s) => s.num_bikes_available)).not.toEqual(night.map((s) => s.num_bikes_available));
    for (const [i, s] of noon.entries()) {
      expect(s.num_bikes_available + s.num_docks_available).toBe(
        (night[i]?.num_bikes_available ?? 0) + (night[i]?.num_docks_available ?? 0),
      );
      expect(s.num_bikes_available).toBeGreaterThanOrEqual(0);
    }
    const reported = noon.map((s) => s.last_reported * 1000).filter((t) => t > Date.parse('2023-11-04T00:00:00Z'));
    expect(reported.length).toBeGreaterThan(1400);
    const again = (await demo?.snapshots?.('2023-11-04', config, 15)) ?? [];
    const noonAgain = again.find((s) => s.source === 'velib' && s.slot.name === '1200');
    expect(decode(noonAgain?.body ?? new Uint8Array())).toBe(decode(status[48]?.body ?? new Uint8Array()));
  });

  it('gives 92 status snapshots on the 23-hour day', async () => {
    const snapshots = (await demo?.snapshots?.('2024-03-31', config, 15)) ?? [];
    expect(snapshots.filter((s) => s.source === 'velib')).toHaveLength(92);
  });
});

describe('the roadworks demo', () => {
  it('gives the real list once, in the first slot of the day', async () => {
    const snapshots =
      (await roadworksDemo.snapshots?.('2023-11-04', { baseUrl: 'http://127.0.0.1:1', collect: false }, 15)) ?? [];
    expect(snapshots.map((s) => [s.source, s.slot.name])).toEqual([['roadworks', '0000']]);
    expect(() => checkRoadworksBody(snapshots[0]?.body ?? new Uint8Array(), 'list')).not.toThrow();
  });
});

describe('courant demo --datasets', () => {
  it('runs eCO2mix alone by default, on its own default day', () => {
    const modules = demoModules(undefined, WITH_DEMO);
    expect(modules.map((m) => m.name)).toEqual(['eco2mix']);
    expect(demoDate(undefined, modules, now)).toBe('2021-12-15');
  });

  it('takes cityflow for its four datasets, on a day they all cover', () => {
    const modules = demoModules('cityflow', WITH_DEMO);
    expect(modules.map((m) => m.name)).toEqual(CITYFLOW);
    expect(demoDate(undefined, modules, now)).toBe('2023-11-04');
    expect(demoDate('2023-12-06', modules, now)).toBe('2023-12-06');
    expect(() => demoDate('2024-02-05', modules, now)).toThrow(
      /^--date: 2024-02-05 is not a day of the demo of cityflow-roadworks \(2023-08-21\.\.2023-12-31/,
    );
  });

  it('names the datasets that have a demo when one asked for has none', () => {
    expect(() => demoModules('smartmeter', WITH_DEMO)).toThrow(UsageError);
    expect(() => demoModules('smartmeter', WITH_DEMO)).toThrow(/eco2mix, .*cityflow-roadworks/);
  });

  it('refuses datasets whose demos share no day', () => {
    const modules = demoModules('eco2mix,cityflow-traffic', WITH_DEMO);
    expect(() => demoDate(undefined, modules, now)).toThrow(/no day is covered by every demo/);
  });
});
