/**
 * Paris weather end to end on the real dev server and document store, against loopback stand-ins
 * of Open-Meteo (built from the real sample) and of the Paris portal: a recent day runs while the
 * archive lacks it, so its weather is the forecast's, provisional; the revised-days check (the
 * workflow its schedule starts) leaves it waiting, then — once the archive has the day — stores the
 * archive's answer as the day's raw file, runs the day again and rebuilds its report: the day is
 * final, with the archive's figures, and the report still shows the traffic run that day. The
 * schedule starts the same check; an archive that refuses the request fails a day at once with
 * Open-Meteo's reason.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionalDay } from '../../src/activities/revised-days.js';
import { waitForPeriodReport } from '../../src/client/period-report.js';
import { dailyDatasetNames, registeredCatalog } from '../../src/datasets/catalog.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { TRAFFIC_DATASET_ID } from '../../src/datasets/cityflow-traffic/source.js';
import type { PeriodReport } from '../../src/reports/period-report.js';
import { applySchedule } from '../../src/schedules/operations.js';
import { revisedDaysSchedule } from '../../src/schedules/revised-days-schedule.js';
import { parisDateOf, parisDayBounds, previousDate } from '../../src/workflow-safe/partition.js';
import type { RevisedDaysOutput } from '../../src/workflows/revised-days.js';
import { uniqueName } from '../support/names.js';
import { startOpenMeteoServer, type OpenMeteoServer } from '../support/open-meteo.js';
import { trafficDayExport } from '../support/paris-traffic.js';
import { runCommandLine } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { readUntil, WAIT_DEADLINE_MS } from '../support/deadlines.js';

// The check looks at the last days before today: the day must be a recent one (of 24 hours, for the figures).
const TODAY = parisDateOf(new Date());
const twoDaysAgo = previousDate(previousDate(TODAY));
const DAY = parisDayBounds(twoDaysAgo).hours === 24 ? twoDaysAgo : previousDate(twoDaysAgo);
const WEATHER = 'cityflow-weather';

let meteo: OpenMeteoServer;
let portal: OdreServer;
let harness: TestWorkerHarness;
const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);

interface DailyReportJson {
  datasets: Array<{
    dataset: string;
    status: string;
    section: {
      summary: string;
      figures: Array<{ key: string; value: unknown }>;
      tables: Array<{ id: string; rows: unknown[][] }>;
    } | null;
  }>;
}
const dailyReport = async () =>
  JSON.parse(await readFile(dataPath(`reports/dt=${DAY}/daily_report.json`), 'utf8')) as DailyReportJson;
const weatherSection = async () => (await dailyReport()).datasets.find((d) => d.dataset === WEATHER)?.section;
const figure = (section: Awaited<ReturnType<typeof weatherSection>>, key: string) =>
  section?.figures.find((f) => f.key === key)?.value;

async function check(record?: string): Promise<RevisedDaysOutput> {
  const workflowId = uniqueName('revised');
  const result = await harness.client.workflow.execute<() => Promise<RevisedDaysOutput>>('revisedDays', {
    workflowId,
    taskQueue: harness.config.temporal.taskQueue,
    args: [],
  });
  if (record && process.env.RECORD_HISTORIES === '1') {
    const history = await harness.client.workflow.getHandle(workflowId).fetchHistory();
    await writeFile(`test/replay/histories/${record}.json`, historyToJSON(history));
  }
  return result;
}

beforeAll(async () => {
  meteo = await startOpenMeteoServer({ archiveUntil: previousDate(DAY), today: TODAY });
  portal = await startOdreServer({});
  portal.failWhen(TRAFFIC_DATASET_ID, () => ({ status: 200, contentType: 'text/csv', body: trafficDayExport(DAY) }));
  harness = await startTestWorker(
    await testConfig({
      OPEN_METEO_ARCHIVE_URL: `${meteo.baseUrl}/v1/archive`,
      OPEN_METEO_FORECAST_URL: `${meteo.baseUrl}/v1/forecast`,
      PARIS_OPENDATA_BASE_URL: portal.baseUrl,
    }),
  );
});

afterAll(async () => {
  await harness.close();
  await portal.close();
  await meteo.close();
});

describe('a recent weather day, provisional first, final once the archive has it', () => {
  const day: ProvisionalDay = { dataset: WEATHER, date: DAY };

  it('runs on the forecast while the archive lacks the day, and says so', async () => {
    const r = await runCommandLine(
      ['run', '--date', DAY, '--datasets', `cityflow-traffic,${WEATHER}`, '--wait'],
      cliEnv(harness.config),
    );
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(meteo.requests.find((q) => q.api === 'archive')?.params).toMatchObject({
      start_date: previousDate(DAY),
      end_date: DAY,
      timezone: 'GMT',
    });
    expect(meteo.requests.find((q) => q.api === 'forecast')?.params).toMatchObject({
      past_days: '14',
      timezone: 'GMT',
    });
    const metrics = (await harness.resources.deps.records.getMetrics(WEATHER, DAY))?.metrics;
    // The stand-in's forecast is the real sample + 1.5 °C: its warmest hour, 22.9 °C, reads 24.4.
    expect(metrics).toMatchObject({ status: 'provisional', temperature: { maxC: 24.4 }, completeness: 1 });
    const section = await weatherSection();
    expect(section?.summary).toMatch(/^Provisional: /);
    expect(figure(section, 'status')).toBe('provisional');
    const status = await runCommandLine(
      ['status', '--from', DAY, '--to', DAY, '--datasets', WEATHER],
      cliEnv(harness.config),
    );
    expect(status.stdout).toContain(`${WEATHER}: provisional weather (forecast)`);
    const html = await readFile(dataPath(`reports/dt=${DAY}/daily_report.html`), 'utf8');
    expect(html).toMatch(/data-chart="cityflow-weather-temperature"[\s\S]*data-series="temperature" data-points="24"/);

    // The traffic section sets its profile against the same day's weather, hour by hour start.
    const traffic = (await dailyReport()).datasets.find((d) => d.dataset === 'cityflow-traffic')?.section;
    expect(traffic?.summary).toMatch(/vehicles counted; \d+ rainy hour\(s\), 19\.4 to 24\.4 °C$/);
    const hours = traffic?.tables.find((t) => t.id === 'cityflow-traffic-weather')?.rows ?? [];
    expect(hours).toHaveLength(24);
    expect(hours[0]?.[0]).toBe('00:00');
    expect(hours.every((row) => typeof row[2] === 'number')).toBe(true);
    expect(html).toMatch(/data-chart="cityflow-traffic-profile"[\s\S]*data-series="rainy-hours"/);
  });

  it('waits while the archive still lacks an hour of the day', async () => {
    expect(await check()).toMatchObject({ rerun: [], waiting: [day], to: TODAY });
    expect((await harness.resources.deps.records.getMetrics(WEATHER, DAY))?.metrics).toMatchObject({
      status: 'provisional',
    });
  });

  it('runs the day again on the archive once it has the day: final, with the new figures in its report', async () => {
    const before = await harness.resources.deps.records.getDayRun(WEATHER, DAY);
    meteo.archiveUntil = DAY;
    expect(await check('revised-days-source-rerun')).toMatchObject({ rerun: [day], waiting: [] });

    const metrics = (await harness.resources.deps.records.getMetrics(WEATHER, DAY))?.metrics;
    expect(metrics).toMatchObject({ status: 'final', temperature: { maxC: 22.9 }, completeness: 1 });
    const run = await harness.resources.deps.records.getDayRun(WEATHER, DAY);
    expect(run).toMatchObject({ status: 'succeeded', runKind: 'scheduled' });
    const archiveSha = (r: typeof run) => r?.inputs.find((i) => i.source === 'archive')?.sha256;
    expect(archiveSha(run)).not.toBe(archiveSha(before));
    const meta = JSON.parse(
      await readFile(dataPath(`raw/${WEATHER}/dt=${DAY}/archive.json.meta.json`), 'utf8'),
    ) as Record<string, unknown>;
    expect(meta).toMatchObject({ replaces: { sha256: archiveSha(before) } });

    await waitForPeriodReport(harness.client, { kind: 'day', name: DAY }, harness.config.temporal.taskQueue, {
      timeoutMs: WAIT_DEADLINE_MS,
    });
    const report = await dailyReport();
    const section = report.datasets.find((d) => d.dataset === WEATHER)?.section ?? null;
    expect(section?.summary).toMatch(/^Final: 17\.9 °C to 22\.9 °C/);
    expect(figure(section, 'temperature.maxC')).toBe(22.9);
    // Rebuilt from every dataset's records: the traffic run that day is still in the report.
    expect(report.datasets.map((d) => [d.dataset, d.status])).toEqual([
      ['cityflow-traffic', 'succeeded'],
      [WEATHER, 'succeeded'],
    ]);
  });

  it('never looks at a final day again (a check started by the schedule), and the month report counts it final', async () => {
    const definition = revisedDaysSchedule({
      scheduleId: uniqueName('revised-days'),
      everyHours: 24,
      lookbackDays: 31,
      taskQueue: harness.config.temporal.taskQueue,
    });
    await applySchedule(harness.client, definition);
    const schedule = harness.client.schedule.getHandle(definition.scheduleId);
    try {
      await schedule.trigger();
      const started = await readUntil(
        async () => (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId,
        (workflowId) => workflowId !== undefined,
      );
      expect(started).toMatch(new RegExp(`^scheduled/${definition.scheduleId}`));
      expect(await harness.client.workflow.getHandle(started ?? '').result()).toMatchObject({ rerun: [], waiting: [] });
    } finally {
      await schedule.delete();
    }
    const month = { kind: 'month', name: DAY.slice(0, 7) } as const;
    await waitForPeriodReport(harness.client, month, harness.config.temporal.taskQueue, {
      timeoutMs: WAIT_DEADLINE_MS,
    });
    const report = JSON.parse(
      await readFile(dataPath(`reports/month=${month.name}/monthly_report.json`), 'utf8'),
    ) as PeriodReport;
    const weather = report.datasets.find((d) => d.dataset === WEATHER);
    expect(weather?.totals).toMatchObject({ days: 1, provisionalDays: 0, 'temperature.maxC': 22.9 });
    expect(weather?.summary).toMatch(/^1 day\(s\), /);
  });

  it("fails a day at once, quoting Open-Meteo's reason, when the archive refuses the request", async () => {
    const date = previousDate(previousDate(DAY));
    meteo.archiveRefusal = "Parameter 'start_date' is out of allowed range from 1940-01-01 to 2026-11-20";
    const asked = () => meteo.requests.filter((q) => q.api === 'archive' && q.params.end_date === date).length;
    try {
      const r = await runCommandLine(['run', '--date', date, '--datasets', WEATHER, '--wait'], cliEnv(harness.config));
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toMatch(
        /\[SourceRejected\].*answered HTTP 400: .*"reason":"Parameter 'start_date' is out of allowed range/,
      );
      expect(asked()).toBe(1);
      expect(await harness.resources.deps.records.getDayRun(WEATHER, date)).toMatchObject({
        status: 'failed',
        error: { type: 'SourceRejected' },
      });
    } finally {
      meteo.archiveRefusal = null;
    }
  });

  it('is not run by the daily schedule unless CITYFLOW_WEATHER_DAILY is true', () => {
    expect(dailyDatasetNames(registeredCatalog(harness.config.datasets), DAY)).not.toContain(WEATHER);
    const daily = {
      ...harness.config.datasets,
      [WEATHER]: { ...(harness.config.datasets[WEATHER] as object), daily: true },
    };
    expect(dailyDatasetNames(registeredCatalog(daily), DAY)).toContain(WEATHER);
  });
});

describe('courant schedules and the revised-days check', () => {
  it('applies it beside the daily schedule; --revised-days pauses it alone', async () => {
    const ids = {
      SCHEDULE_ID: uniqueName('daily'),
      INBOX_SCAN_SCHEDULE_ID: uniqueName('inbox'),
      REVISED_DAYS_SCHEDULE_ID: uniqueName('revised'),
      BILLING_SCHEDULE_ID: uniqueName('billing'),
    };
    const env = { ...cliEnv(harness.config), ...ids, REVISED_DAYS_EVERY_HOURS: '6' };
    try {
      expect((await runCommandLine(['schedules', 'apply'], env)).stdout).toContain(
        `schedule ${ids.REVISED_DAYS_SCHEDULE_ID} created`,
      );
      await runCommandLine(['schedules', 'pause', '--revised-days', '--note', 'archive maintenance'], env);
      const described = (await runCommandLine(['schedules', 'describe'], env)).stdout;
      expect(described).toContain(`schedule ${ids.REVISED_DAYS_SCHEDULE_ID} (PAUSED: archive maintenance)`);
      expect(described).toMatch(
        new RegExp(`schedule ${ids.REVISED_DAYS_SCHEDULE_ID} .*\\n  every +360m\\n  workflow +revisedDays`),
      );
      expect(described).not.toContain(`schedule ${ids.SCHEDULE_ID} (PAUSED`);
      expect(described).toMatch(/input +\[\{"lookbackDays":62\}\]/);
      const longer = await runCommandLine(['schedules', 'apply'], { ...env, REVISED_DAYS_LOOKBACK_DAYS: '120' });
      expect(longer.stdout).toContain('input: [{"lookbackDays":62}] → [{"lookbackDays":120}]');
    } finally {
      for (const id of Object.values(ids))
        await harness.client.schedule
          .getHandle(id)
          .delete()
          .catch(() => undefined);
    }
  });
});
