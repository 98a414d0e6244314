/**
 * `courant status`, the console's grid, its day pages and `/api/v1/days` say the same status for
 * every day of a range holding each status — succeeded, failed, blocked, running, cancelled (and a
 * cancelled day recorded as failed before that status), late and missing —
 * read from the same records in the real document store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.js';
import { DAY_STATUS_LABEL, DAY_STATUSES, type DayStatusName } from '../../src/day-status/status.js';
import { createStorage, type Storage } from '../../src/storage/index.js';
import { blockedRun, cancelledRun, failedRun, runningRun, succeededRun } from '../support/console-days.js';
import { rawGet, startConsole, type RunningConsole } from '../support/console-server.js';
import { runCommandLine } from '../support/run-cli.js';
import { cliEnv, testConfig } from '../support/test-stack.js';

const FROM = '2022-06-01';
const TO = '2022-06-05';
const DATASETS = ['eco2mix', 'smartmeter'];

/** eCO2mix's days are due at D+1 07:00 Paris, long past: a day without a record is late. Smart meters' days are never late. */
const EXPECTED: Readonly<Record<string, DayStatusName>> = {
  'eco2mix/2022-06-01': 'succeeded',
  'eco2mix/2022-06-02': 'failed',
  'eco2mix/2022-06-03': 'blocked',
  'eco2mix/2022-06-04': 'running',
  'eco2mix/2022-06-05': 'late',
  'smartmeter/2022-06-01': 'cancelled',
  'smartmeter/2022-06-02': 'cancelled',
  'smartmeter/2022-06-03': 'missing',
  'smartmeter/2022-06-04': 'missing',
  'smartmeter/2022-06-05': 'missing',
};
const DATES = ['2022-06-01', '2022-06-02', '2022-06-03', '2022-06-04', '2022-06-05'];

const STATUS_OF_LABEL = new Map(DAY_STATUSES.map((s) => [DAY_STATUS_LABEL[s], s]));

let config: Config;
let storage: Storage;
let server: RunningConsole;

beforeAll(async () => {
  config = await testConfig();
  storage = await createStorage(config);
  const runs = [
    succeededRun('eco2mix', '2022-06-01'),
    failedRun('eco2mix', '2022-06-02', { type: 'TransientIO', message: 'the source answered 503 five times' }),
    blockedRun('eco2mix', '2022-06-03'),
    runningRun('eco2mix', '2022-06-04'),
    cancelledRun('smartmeter', '2022-06-01'),
    failedRun('smartmeter', '2022-06-02', { type: 'Cancelled', message: 'cancelled during download' }),
  ];
  for (const run of runs) await storage.records.upsertDayRun(run);
  server = await startConsole({ config, records: storage.records, objects: storage.objects, tokens: null });
});

afterAll(async () => {
  await server?.close();
  await storage?.close();
});

/** The statuses of `courant status`'s grid, by `{dataset}/{date}`: each cell is a symbol and a label in its column. */
function cliStatuses(text: string): Map<string, DayStatusName> {
  const lines = text.split('\n');
  const header = lines[0] ?? '';
  const columns = DATASETS.map((dataset) => ({ dataset, start: header.indexOf(dataset) }));
  const statuses = new Map<string, DayStatusName>();
  for (const line of lines.filter((l) => /^\d{4}-\d{2}-\d{2}/.test(l))) {
    const date = line.slice(0, 10);
    columns.forEach(({ dataset, start }, i) => {
      const end = columns[i + 1]?.start ?? header.indexOf('notes');
      const label = line.slice(start, end).trim().replace(/^\S+ /, '');
      const status = STATUS_OF_LABEL.get(label);
      if (status) statuses.set(`${dataset}/${date}`, status);
    });
  }
  return statuses;
}

describe('one status per day, wherever it is read', () => {
  it('courant status shows each day with its status, blocked included', async () => {
    const r = await runCommandLine(
      ['status', '--from', FROM, '--to', TO, '--datasets', DATASETS.join(',')],
      cliEnv(config),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(Object.fromEntries(cliStatuses(r.stdout))).toEqual(EXPECTED);
    expect(r.stdout).toContain('⊘ blocked');
    expect(r.stdout).toContain('1 failed, 1 blocked, 1 running, 2 cancelled, 3 missing, 1 late');
  });

  it("the console's grid shows the same status for each day", async () => {
    const page = await rawGet(server.origin, `/?from=${FROM}&to=${TO}&datasets=${DATASETS.join(',')}`);
    expect(page.status).toBe(200);
    const cells = [...page.body.matchAll(/<a class="s-(\w+)" href="\/days\/([\d-]+)#([\w-]+)"/g)];
    expect(Object.fromEntries(cells.map(([, status, date, dataset]) => [`${dataset}/${date}`, status]))).toEqual(
      EXPECTED,
    );
    // Cancelled days have their colour and their line in the legend, with their count.
    expect(page.body).toMatch(/\.s-cancelled\{background:[^}]+\}/);
    expect(page.body).toContain('<li><span class="s-cancelled"></span>cancelled 2</li>');
  });

  it("each day's page shows the same status for each dataset on it", async () => {
    for (const date of DATES) {
      const page = await rawGet(server.origin, `/days/${date}`);
      expect(page.status).toBe(200);
      const sections = [
        ...page.body.matchAll(/<section class="record" id="([\w-]+)"[^>]*><h2>[\w-]+ <span class="status ([^"]+)">/g),
      ];
      const shown = new Map(sections.map(([, dataset, label]) => [dataset, STATUS_OF_LABEL.get(label ?? '')]));
      expect(shown.get('eco2mix'), date).toBe(EXPECTED[`eco2mix/${date}`]);
      for (const [dataset, status] of shown) expect(status, `${dataset} ${date}`).toBe(EXPECTED[`${dataset}/${date}`]);
    }
  });

  it('courant status --format json answers the days as /api/v1/days does, cell for cell', async () => {
    const r = await runCommandLine(
      ['status', '--from', FROM, '--to', TO, '--datasets', DATASETS.join(','), '--format', 'json'],
      cliEnv(config),
    );
    expect(r.code, r.stderr).toBe(0);
    const cli = JSON.parse(r.stdout) as { items: Array<{ dataset: string; date: string; status: string }> };
    expect(Object.fromEntries(cli.items.map((c) => [`${c.dataset}/${c.date}`, c.status]))).toEqual(EXPECTED);
    const api = await rawGet(server.origin, `/api/v1/days?from=${FROM}&to=${TO}&datasets=${DATASETS.join(',')}`);
    const { items } = JSON.parse(api.body) as { items: unknown[] };
    expect(cli.items).toEqual(items);
  });

  it('/api/v1/days answers the same status for each day', async () => {
    const response = await rawGet(server.origin, `/api/v1/days?from=${FROM}&to=${TO}&datasets=${DATASETS.join(',')}`);
    expect(response.status).toBe(200);
    const body = JSON.parse(response.body) as { items: Array<{ dataset: string; date: string; status: string }> };
    expect(Object.fromEntries(body.items.map((c) => [`${c.dataset}/${c.date}`, c.status]))).toEqual(EXPECTED);
  });
});
