/**
 * Enedis flows end to end on the real dev server and document store: a folder holding the real
 * R151 and C15 samples ingested with `courant ingest --dir`, each day closed by their readings run,
 * its Parquet, metrics and report written; the same folder again runs nothing; a malformed file is
 * quarantined with its line, touching no day; `courant energies` over a month of ingested R151, and
 * over the period of a single real R15.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildPeriodReport } from '../../src/client/period-report.js';
import { inboxKeys, storageKeys } from '../../src/workflow-safe/keys.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { rawGet, startConsole } from '../support/console-server.js';
import { r151Days, r151Flow, r15Flow } from '../support/enedis-flows.js';
import { runCommandLine } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { launchBrowser, openPage } from '../support/browser.js';
import { WAIT_DEADLINE_MS } from '../support/deadlines.js';

const FIXTURES = path.join('test', 'fixtures', 'enedis');
const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');

let harness: TestWorkerHarness;
let dir: string;
const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-enedis-wf-'));
  harness = await startTestWorker(await testConfig());
});

afterAll(async () => {
  await harness.close();
  await rm(dir, { recursive: true, force: true });
});

describe('courant ingest --dataset enedis', () => {
  it('runs the days closed by a folder of real R151 and C15 flows, with their readings, metrics and report', async () => {
    const flows = path.join(dir, 'flows');
    await mkdir(flows);
    await copyFile(path.join(FIXTURES, 'electricore_r151.xml'), path.join(flows, 'r151.xml'));
    await copyFile(path.join(FIXTURES, 'electricore_c15_avec_releves.xml'), path.join(flows, 'c15.xml'));
    const r = await runCommandLine(['ingest', '--dataset', 'enedis', '--dir', flows, '--wait'], cliEnv(harness.config));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('c15.xml: 1 day(s) (2024-10-03), 1 run, all succeeded');
    expect(r.stdout).toContain('r151.xml: 1 day(s) (2024-04-04), 1 run, all succeeded');
    expect(await harness.resources.deps.objects.list(inboxKeys.folder('enedis'))).toEqual([]);

    const r151Day = await harness.resources.deps.records.getDayRun('enedis', '2024-04-04');
    expect(r151Day).toMatchObject({ status: 'succeeded', rows: { read: 5, written: 5, rejected: 0 } });
    expect(r151Day?.outputs).toContain(storageKeys.processed('enedis', '2024-04-04', 'index_readings'));
    expect((await harness.resources.deps.records.getMetrics('enedis', '2024-04-04'))?.metrics).toMatchObject({
      readings: 5,
      prms: 1,
      flagged: 1,
      readingsByFlow: { R151: 5 },
    });
    // Five distributor readings and the supplier BASE index on each side of the event.
    expect((await harness.resources.deps.records.getMetrics('enedis', '2024-10-03'))?.metrics).toMatchObject({
      readings: 7,
      prms: 1,
      readingsByFlow: { C15: 7 },
    });
    const html = await readFile(dataPath('reports/dt=2024-10-03/daily_report.html'), 'utf8');
    expect(html).toContain('Enedis meter readings');
    expect(html).toContain('99660599682036');

    const again = await runCommandLine(
      ['ingest', '--dataset', 'enedis', '--dir', flows, '--wait'],
      cliEnv(harness.config),
    );
    expect(again.stdout).toContain('c15.xml: 1 day(s) (2024-10-03), 0 run');
  });
});

/**
 * The tests below ingest other flows, of other PRMs and days, side by side: none looks at the inbox
 * as a whole, which the test above finds empty.
 */
describe.concurrent('courant ingest --dataset enedis', () => {
  it('quarantines a malformed flow with its line, and runs no day', async ({ expect }) => {
    const file = path.join(dir, 'broken.xml');
    await writeFile(file, `<?xml version='1.0'?>\n<R151>\n<PRM><Id_PRM>99000000000001</Id_PRM>\n</R151>\n`);
    const r = await runCommandLine(['ingest', '--dataset', 'enedis', '--file', file, '--wait'], cliEnv(harness.config));
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/broken\.xml.*line 4.*not well-formed XML/);
    const quarantined = await harness.resources.deps.objects.list('quarantine/enedis/inbox');
    expect(quarantined.map((o) => path.posix.basename(o.key))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/broken\.xml$/),
        expect.stringMatching(/broken\.xml\.reason\.json$/),
      ]),
    );
  });

  it('answers `courant energies` per PRM and period from a month of ingested R151 flows, in CSV and JSON', async ({
    expect,
  }) => {
    const prm = '99000000000042';
    const days = datesInRange('2023-12-31', '2024-01-31');
    const month = path.join(dir, 'r151-month.xml');
    await writeFile(
      month,
      r151Flow(r151Days(prm, days, { HCB: 5_000_000, HPB: 7_000_000 }, { HCB: 3_000, HPB: 8_000 })),
    );
    const ingested = await runCommandLine(
      ['ingest', '--dataset', 'enedis', '--file', month, '--wait'],
      cliEnv(harness.config),
    );
    expect(ingested.code, `${ingested.stdout}\n${ingested.stderr}`).toBe(0);

    // The queries read what the ingestion stored, and the month's rebuild only its report: side by side.
    // The JSON one with no document store to reach: the command reads objects only.
    const out = path.join(dir, 'february.json');
    const noRecordStore = { ...cliEnv(harness.config), MONGODB_URL: 'mongodb://127.0.0.1:1/closed' };
    const [csv, rebuilt, json] = await Promise.all([
      runCommandLine(
        ['energies', '--dataset', 'enedis', '--from', '2024-01-01', '--to', '2024-01-31', '--prm', prm],
        cliEnv(harness.config),
      ),
      rebuildPeriodReport(harness.client, { kind: 'month', name: '2024-01' }, harness.config.temporal.taskQueue, {
        timeoutMs: WAIT_DEADLINE_MS,
      }),
      runCommandLine(
        [
          'energies',
          '--dataset',
          'enedis',
          '--from',
          '2024-01-25',
          '--to',
          '2024-02-03',
          '--format',
          'json',
          '--out',
          out,
        ],
        noRecordStore,
      ),
    ]);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'prm,class,start_at,end_at,start_index_kwh,end_index_kwh,energy_kwh,verdict,reason,stated_energy_kwh,difference_kwh',
    );
    expect(lines.slice(1).map((line) => line.split(',').filter((_, i) => [1, 4, 5, 6, 7].includes(i)))).toEqual([
      ['HCB', '5000', '5093', '93', 'real'],
      ['HPB', '7000', '7248', '248', 'real'],
      ['BASE', '', '', '341', 'real'],
      ['HC', '', '', '93', 'real'],
      ['HP', '', '', '248', 'real'],
    ]);
    expect(csv.stderr).toContain('enedis 2024-01-01..2024-01-31: 5 real');

    // The month's report lists the energy per PRM, read in a browser with a screenshot kept.
    expect(rebuilt.lastError).toBeNull();
    const monthly = dataPath('reports/month=2024-01/monthly_report.html');
    const browser = await launchBrowser();
    try {
      const page = await openPage(browser, { width: 1200, height: 900 });
      await page.goto(`file://${path.resolve(monthly)}`);
      const table = page.locator('section[data-dataset="enedis"] table').filter({ hasText: 'verdict' });
      const row = table.locator('tr').filter({ hasText: prm }).filter({ hasText: 'HPB' });
      expect((await row.innerText()).split('\t').map((cell) => cell.trim())).toEqual([
        prm,
        'HPB',
        '7,000',
        '7,248',
        '248',
        'real',
        '',
      ]);
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'report-enedis-month.png'), fullPage: true });
    } finally {
      await browser.close();
    }

    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(await readFile(out, 'utf8')) as Array<Record<string, unknown>>;
    expect(rows.find((r) => r.prm === prm && r.class === 'HCB')).toMatchObject({
      energy_kwh: null,
      verdict: 'not computable',
      reason: 'no reading at the end of the period',
    });
    // The verdicts counted from the file written.
    const notComputable = rows.filter((r) => r.verdict === 'not computable').length;
    expect(json.stderr).toContain('enedis 2024-01-25..2024-02-03: ');
    expect(json.stderr).toContain(`${notComputable} not computable`);

    // The console's API answers the same rows, a page at a time.
    const console = await startConsole({
      config: harness.config,
      records: harness.resources.deps.records,
      objects: harness.resources.deps.objects,
      tokens: null,
    });
    try {
      const query = `/api/v1/energies?dataset=enedis&from=2024-01-25&to=2024-02-03&prm=${prm}&limit=3`;
      const first = JSON.parse((await rawGet(console.origin, query)).body) as { rows: unknown[]; nextCursor: string };
      const second = JSON.parse((await rawGet(console.origin, `${query}&cursor=${first.nextCursor}`)).body) as {
        rows: unknown[];
        nextCursor: string | null;
      };
      expect(second.nextCursor).toBeNull();
      expect([...first.rows, ...second.rows]).toEqual(rows.filter((r) => r.prm === prm));
    } finally {
      await console.close();
    }
  });

  it('shows, in `courant energies`, the energy an R15 states beside the one computed from its indexes', async ({
    expect,
  }) => {
    const prm = '99000000000077';
    const r15 = path.join(dir, 'r15.xml');
    await writeFile(
      r15,
      r15Flow([
        {
          prm,
          at: '2024-06-01T00:01:00+02:00',
          previousAt: '2024-05-01T00:01:00+02:00',
          index: { BASE: 1000 },
          previousIndex: { BASE: 900 },
          energy: { BASE: 100 },
        },
        {
          prm,
          at: '2024-07-01T00:01:00+02:00',
          previousAt: '2024-06-01T00:01:00+02:00',
          index: { BASE: 1250 },
          previousIndex: { BASE: 1000 },
          energy: { BASE: 240 },
        },
      ]),
    );
    const ingested = await runCommandLine(
      ['ingest', '--dataset', 'enedis', '--file', r15, '--wait'],
      cliEnv(harness.config),
    );
    expect(ingested.code, `${ingested.stdout}\n${ingested.stderr}`).toBe(0);
    const out = path.join(dir, 'june.json');
    const r = await runCommandLine(
      [
        'energies',
        '--dataset',
        'enedis',
        '--from',
        '2024-06-01',
        '--to',
        '2024-06-30',
        '--prm',
        prm,
        '--format',
        'json',
        '--out',
        out,
      ],
      cliEnv(harness.config),
    );
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(await readFile(out, 'utf8')) as Array<Record<string, unknown>>;
    expect(rows.find((row) => row.class === 'BASE')).toMatchObject({
      energy_kwh: 250,
      stated_energy_kwh: 240,
      difference_kwh: 10,
      verdict: 'real',
    });
  });
});

describe.concurrent('a single real R15', () => {
  it('gives `courant energies` over its period per class, equal to what the flow states', async ({ expect }) => {
    const flows = path.join(dir, 'r15-real');
    await mkdir(flows);
    await copyFile(path.join(FIXTURES, 'electricore_r15.xml'), path.join(flows, 'r15.xml'));
    const ingested = await runCommandLine(
      ['ingest', '--dataset', 'enedis', '--dir', flows, '--wait'],
      cliEnv(harness.config),
    );
    expect(ingested.code, `${ingested.stdout}\n${ingested.stderr}`).toBe(0);
    // Its previous reading closes 06-30, its reading 07-29.
    expect(ingested.stdout).toContain('r15.xml: 2 day(s) (2024-06-30..2024-07-29), 2 run, all succeeded');
    const out = path.join(dir, 'july.json');
    const r = await runCommandLine(
      [
        'energies',
        '--dataset',
        'enedis',
        '--from',
        '2024-07-01',
        '--to',
        '2024-07-29',
        '--prm',
        '99147508449444',
        '--format',
        'json',
        '--out',
        out,
      ],
      cliEnv(harness.config),
    );
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(await readFile(out, 'utf8')) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      class: 'BASE',
      start_index_kwh: 10060,
      end_index_kwh: 10160,
      energy_kwh: 100,
      verdict: 'real',
      reason: null,
      stated_energy_kwh: 100,
      difference_kwh: 0,
    });
  });
});

describe.concurrent('missed Enedis deliveries', () => {
  it('shows a number missing from a subscription’s deliveries in `courant status` and the daily report', async ({
    expect,
  }) => {
    const subscription = '900000042';
    const prm = '99000000000055';
    // Deliveries 1, 2 and 4, one a day as Enedis sends them; 2 is delivered again (not a gap).
    const deliveries = [
      { n: 1, date: '2025-03-01' },
      { n: 2, date: '2025-03-02' },
      { n: 2, date: '2025-03-02', again: true },
      { n: 4, date: '2025-03-04' },
    ];
    for (const [i, d] of deliveries.entries()) {
      const folder = path.join(dir, `delivery-${i}`);
      await mkdir(folder);
      const stamp = `${d.date.replaceAll('-', '')}0${d.again ? 9 : 3}0000`;
      const file = path.join(
        folder,
        `ERDF_R151_17X000001117366M_GRD-F139_${subscription}_0000${d.n}_Q_00001_00001_${stamp}.xml`,
      );
      const wh = 1_000_000 + d.n * 4_000 + (d.again ? 1_000 : 0);
      await writeFile(file, r151Flow([{ prm, date: d.date, wh: { BASE: wh } }]));
      const r = await runCommandLine(
        ['ingest', '--dataset', 'enedis', '--file', file, '--wait'],
        cliEnv(harness.config),
      );
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    }

    const status = await runCommandLine(
      ['status', '--from', '2025-03-01', '--to', '2025-03-04', '--datasets', 'enedis'],
      cliEnv(harness.config),
    );
    expect(status.code, status.stderr).toBe(0);
    const line = (date: string) => status.stdout.split('\n').find((l) => l.startsWith(date)) ?? '';
    expect(line('2025-03-04')).toContain(
      `enedis: missed delivery R151 ${subscription}: 00003 (between 00002 and 00004)`,
    );
    for (const date of ['2025-03-01', '2025-03-02']) expect(line(date)).not.toContain('missed delivery');

    const report = JSON.parse(await readFile(dataPath('reports/dt=2025-03-04/daily_report.json'), 'utf8')) as {
      summary: { headline: Array<{ dataset: string; metric: string; value: unknown }> };
    };
    expect(report.summary.headline).toContainEqual({ dataset: 'enedis', metric: 'missedDeliveries', value: 1 });
    const html = await readFile(dataPath('reports/dt=2025-03-04/daily_report.html'), 'utf8');
    expect(html).toContain('Missed deliveries');
    expect(html).toContain(`R151 ${subscription}: 00003 (between 00002 and 00004)`);
    const previous = await readFile(dataPath('reports/dt=2025-03-02/daily_report.html'), 'utf8');
    expect(previous).not.toContain(`R151 ${subscription}: 000`);
  });
});
