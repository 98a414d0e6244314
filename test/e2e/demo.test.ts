/**
 * The README's main job: `courant demo` brings up its own stack, runs a real sample day, ends with a
 * summary a person reads (headline figures, files, report link, Web UI link), and stops it all.
 */
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, isListening } from '../../src/stack/ports.js';
import { prebuiltBundleEnv } from '../support/prebuilt-bundle-env.js';
import { runCli } from '../support/run-cli.js';

const dirs: string[] = [];

/** True for a line that is a JSON object or array, as a log line would be. */
const isJson = (line: string) => {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
};
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('courant demo', () => {
  it('starts the embedded stack on the configured addresses, runs 2021-12-15 offline, sums it up for a person and leaves nothing running', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-demo-'));
    dirs.push(dir);
    const [temporalPort, mongoPort] = [await freePort(), await freePort()];
    const r = await runCli(['demo', '--no-keep-running', '--state-dir', path.join(dir, 'state')], {
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      MONGODB_URL: `mongodb://127.0.0.1:${mongoPort}/courant`,
      DATA_DIR: path.join(dir, 'data'),
      // What a person at a terminal gets, at the default level.
      LOG_FORMAT: 'pretty',
      LOG_LEVEL: 'info',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Web UI http://127.0.0.1:${temporalPort + 1000}`);
    expect(r.stdout).toMatch(/eco2mix: done \(completed\)\ndaily\/2021-12-15 succeeded\n/);

    const lines = r.stdout.split('\n');
    const summary = lines.slice(lines.indexOf('The day 2021-12-15'));
    expect(summary).toEqual(
      expect.arrayContaining([
        '  eCO2mix (RTE, France): succeeded',
        expect.stringMatching(/^ {4}Consumption +1,657,711 MWh$/),
        expect.stringMatching(/^ {4}Peak +76,740 MW {2}\(at 19:00\)$/),
        expect.stringMatching(/^ {4}Low-carbon share +85\.2 %/),
        `Files written under ${path.join(dir, 'data')}`,
        '  raw/eco2mix/dt=2021-12-15/realtime.csv',
        '  processed/eco2mix/dt=2021-12-15/eco2mix_national.parquet',
        '  metrics/eco2mix/dt=2021-12-15/metrics.json',
        '  reports/dt=2021-12-15/daily_report.html',
        `Temporal Web UI   http://127.0.0.1:${temporalPort + 1000}/namespaces/default/workflows/daily%2F2021-12-15`,
      ]),
    );
    const report = path.join(dir, 'data/reports/dt=2021-12-15/daily_report.html');
    expect(summary).toContain(`Daily report      ${pathToFileURL(report).href}`);
    await access(report);

    const human = [...lines, ...r.stderr.split('\n')];
    expect(human.filter(isJson)).toEqual([]);
    expect(human.filter((line) => /taskToken|workflowRunId|runId/.test(line))).toEqual([]);

    const metrics = JSON.parse(
      await readFile(path.join(dir, 'data/metrics/eco2mix/dt=2021-12-15/metrics.json'), 'utf8'),
    ) as {
      points: number;
      completeness: number;
      consumption: { peakMW: number };
    };
    expect(metrics).toMatchObject({ points: 96, completeness: 1, consumption: { peakMW: 76_740 } });

    expect(await isListening('127.0.0.1', temporalPort)).toBe(false);
    expect(await isListening('127.0.0.1', mongoPort)).toBe(false);
  });
  it('runs the four cityflow datasets as one day of 2023-11-04, the snapshot days stored as the collector would have', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-demo-cityflow-'));
    dirs.push(dir);
    const [temporalPort, mongoPort] = [await freePort(), await freePort()];
    const data = path.join(dir, 'data');
    const r = await runCli(
      ['demo', '--datasets', 'cityflow', '--no-keep-running', '--state-dir', path.join(dir, 'state')],
      {
        TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
        MONGODB_URL: `mongodb://127.0.0.1:${mongoPort}/courant`,
        DATA_DIR: data,
        // The first demo bundles the workflows at its worker's start; this one runs the prebuilt bundles.
        ...prebuiltBundleEnv(),
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Stored 98 snapshots of 2023-11-04 as the collector would have taken them');
    expect(r.stdout).toMatch(/daily\/2023-11-04 succeeded\n/);

    const lines = r.stdout.split('\n');
    const summary = lines.slice(lines.indexOf('The day 2023-11-04'));
    expect(summary).toEqual(
      expect.arrayContaining([
        '  Paris traffic counters: succeeded',
        '  Paris weather: succeeded',
        "  Vélib' Métropole: succeeded",
        '  Paris roadworks: succeeded',
        '  raw/cityflow-velib/dt=2023-11-04/velib/  (96 files)',
        '  raw/cityflow-roadworks/dt=2023-11-04/roadworks/0000.csv',
      ]),
    );

    const day = (dataset: string, file: string) => path.join(data, 'processed', dataset, 'dt=2023-11-04', file);
    for (const file of [
      day('cityflow-traffic', 'traffic.parquet'),
      day('cityflow-weather', 'weather.parquet'),
      day('cityflow-velib', 'station_status.parquet'),
      day('cityflow-roadworks', 'roadworks.parquet'),
    ])
      await access(file);
    const metrics = async (dataset: string) =>
      JSON.parse(
        await readFile(path.join(data, 'metrics', dataset, 'dt=2023-11-04', 'metrics.json'), 'utf8'),
      ) as Record<string, unknown>;
    expect(await metrics('cityflow-traffic')).toMatchObject({ hours: 24, completeness: 1 });
    expect(await metrics('cityflow-weather')).toMatchObject({ status: 'final', hoursWithWeather: 24 });
    expect(await metrics('cityflow-velib')).toMatchObject({ slots: { expected: 96, taken: 96 }, coverage: 1 });
    expect(await metrics('cityflow-roadworks')).toMatchObject({ works: 192, active: 51 });

    const meta = JSON.parse(
      await readFile(path.join(data, 'raw/cityflow-velib/dt=2023-11-04/velib/1200.json.meta.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(meta.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/opendata\/Velib_Metropole\/station_status\.json$/);
    expect(meta).toMatchObject({
      fetchedAt: '2023-11-04T11:00:30.000Z',
      slot: { name: '1200', start: '2023-11-04T11:00:00.000Z', end: '2023-11-04T11:15:00.000Z' },
      seededBy: 'courant demo',
    });

    const report = JSON.parse(await readFile(path.join(data, 'reports/dt=2023-11-04/daily_report.json'), 'utf8')) as {
      datasets: Array<{ title: string; status: string }>;
    };
    expect(report.datasets.map((d) => [d.title, d.status])).toEqual([
      ['Paris traffic counters', 'succeeded'],
      ['Paris weather', 'succeeded'],
      ["Vélib' Métropole", 'succeeded'],
      ['Paris roadworks', 'succeeded'],
    ]);
    expect(await isListening('127.0.0.1', temporalPort)).toBe(false);
  });
});
