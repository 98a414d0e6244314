/**
 * Monthly and annual reports on the real dev server: a backfill finishing eight days at a time
 * leaves a month report with every day (its builds never overlap), a re-run day rebuilds its month
 * by itself, and `courant report` rebuilds any report on demand.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildPeriodReport, requestPeriodReport, waitForPeriodReport } from '../../src/client/period-report.js';
import { eco2mixMetricsSchema } from '../../src/datasets/eco2mix/metrics-schema.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { writePeriodReport } from '../../src/reports/period-build.js';
import type { DatasetPeriod, PeriodReport } from '../../src/reports/period-report.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import type { ReportPeriod } from '../../src/workflow-safe/periods.js';
import { runCommandLine } from '../support/run-cli.js';
import { emptyExport, syntheticRealtimeExport, whereStartOf } from '../support/synthetic-eco2mix.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { WAIT_DEADLINE_MS } from '../support/deadlines.js';

const TR = 'eco2mix-national-tr';
const FEBRUARY = datesInRange('2018-02-01', '2018-02-28');
const BROKEN = '2018-02-14';

let odre: OdreServer;
let harness: TestWorkerHarness;
let env: Record<string, string>;
const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);
const text = (key: string) => readFile(dataPath(key), 'utf8');
const json = async <T>(key: string) => JSON.parse(await text(key)) as T;
const month: ReportPeriod = { kind: 'month', name: '2018-02' };

async function settled(...periods: ReportPeriod[]) {
  for (const period of periods) {
    await waitForPeriodReport(harness.client, period, harness.config.temporal.taskQueue, {
      timeoutMs: WAIT_DEADLINE_MS,
    });
  }
}

async function energyOf(date: string): Promise<number> {
  const metrics = eco2mixMetricsSchema.parse(await json(`metrics/eco2mix/dt=${date}/metrics.json`));
  return metrics.consumption.energyMWh ?? Number.NaN;
}

beforeAll(async () => {
  odre = await startOdreServer({
    [TR]: syntheticRealtimeExport('2018-02-01', '2018-03-02'),
    [`eco2mix-national-cons-def`]: emptyExport(),
  });
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
  env = cliEnv(harness.config);
});

afterAll(async () => {
  await harness.close();
  await odre.close();
});

/** The eCO2mix part of a period report (the only dataset these days have). */
function eco2mixOf(report: PeriodReport): DatasetPeriod {
  const part = report.datasets.find((d) => d.dataset === 'eco2mix');
  if (!part) throw new Error(`no eco2mix in the ${report.kind} report ${report.period}`);
  return part;
}

describe('monthly and annual reports', () => {
  // Refusals need no server: they run side by side with the backfill the later tests build on.
  it.concurrent('refuses bad report periods, naming the option', async ({ expect }) => {
    const [both, bad, future] = await Promise.all([
      runCommandLine(['report', '--date', '2018-02-05', '--month', '2018-02'], env),
      runCommandLine(['report', '--month', '2018-2'], env),
      runCommandLine(['report', '--year', '2999'], env),
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give exactly one of --date D, --month YYYY-MM, --year YYYY');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--month: "2018-2" is not a month written YYYY-MM');
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/--year: 2999 is outside 2012\.\./);
  });

  it.concurrent(
    'has every day of the month after a backfill running 8 days at once, its builds one after another',
    async ({ expect }) => {
      odre.failWhen(TR, (where) =>
        where?.startsWith(whereStartOf(BROKEN))
          ? { status: 200, contentType: 'text/html', body: '<html>down</html>' }
          : undefined,
      );
      const r = await runCommandLine(
        ['backfill', '--from', '2018-02-01', '--to', '2018-03-02', '--parallel', '8', '--wait'],
        env,
      );
      expect(r.stdout).toMatch(/succeeded\s+29/);
      await settled(
        month,
        { kind: 'month', name: '2018-03' },
        { kind: 'year', name: '2018' },
        { kind: 'index', name: 'index' },
      );

      const report = eco2mixOf(await json<PeriodReport>('reports/month=2018-02/monthly_report.json'));
      expect(report).toMatchObject({ status: 'partial', days: { inPeriod: 28, succeeded: 27, failed: 1, missing: 0 } });
      expect(report.daily.find((d) => d.date === BROKEN)).toMatchObject({ status: 'failed', figures: null });
      const energies = await Promise.all(FEBRUARY.filter((d) => d !== BROKEN).map(energyOf));
      expect(report.totals['consumption.energyMWh']).toBeCloseTo(
        energies.reduce((a, b) => a + b, 0),
        4,
      );

      // One build at a time: every buildReport of report/month=2018-02 ends before the next starts.
      const history = await harness.client.workflow
        .getHandle(workflowIds.periodReport(month, harness.config.temporal.taskQueue))
        .fetchHistory();
      let open = 0;
      let builds = 0;
      for (const event of history.events ?? []) {
        if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'buildReport') {
          expect(open).toBe(0);
          open += 1;
          builds += 1;
        }
        if (event.activityTaskCompletedEventAttributes || event.activityTaskFailedEventAttributes)
          open = Math.max(0, open - 1);
      }
      expect(builds).toBeGreaterThanOrEqual(1);
      expect(builds).toBeLessThan(27);
    },
  );

  it('says in the daily CSV alone what happened on a day, failed or not', async () => {
    const failed = await text(`reports/dt=${BROKEN}/daily_report.csv`);
    expect(failed).toContain(`${BROKEN},summary,failed,datasets.failed,1`);
    expect(failed).toContain(`${BROKEN},summary,failed,datasets.failedNames,eco2mix`);
    expect(failed).toMatch(new RegExp(`${BROKEN},summary,failed,text,"eco2mix failed: .*HTML`));
    const ok = await text('reports/dt=2018-02-05/daily_report.csv');
    expect(ok.split('\r\n')[1]).toBe('2018-02-05,summary,succeeded,datasets.run,1');
    expect(ok).toContain('2018-02-05,summary,succeeded,completeness.eco2mix,1');
    expect(ok).toContain(`2018-02-05,summary,succeeded,eco2mix.consumption.energyMWh,${await energyOf('2018-02-05')}`);
    expect(ok).toMatch(
      /2018-02-05,summary,succeeded,text,"eco2mix succeeded, 96 of 96 points \(100 %\), consumption [\d,]+ MWh, peak [\d,]+ MW at \d\d:\d\d Paris time/,
    );
    const summary = (
      await json<{ summary: { status: string; headline: unknown[] } }>('reports/dt=2018-02-05/daily_report.json')
    ).summary;
    expect(summary.status).toBe('succeeded');
    expect(summary.headline.length).toBeGreaterThan(4);
  });

  it('rebuilds the month by itself when its failed day is re-run: complete, with that day added', async () => {
    const before = eco2mixOf(await json<PeriodReport>('reports/month=2018-02/monthly_report.json'));
    odre.failWhen(TR, null);
    const r = await runCommandLine(['run', '--date', BROKEN, '--wait'], env);
    expect(r.code, r.stderr).toBe(0);
    await settled(month);
    const after = eco2mixOf(await json<PeriodReport>('reports/month=2018-02/monthly_report.json'));
    expect(after).toMatchObject({ status: 'complete', days: { succeeded: 28, failed: 0 } });
    expect(after.totals['consumption.energyMWh']).toBeCloseTo(
      Number(before.totals['consumption.energyMWh'] ?? 0) + (await energyOf(BROKEN)),
      4,
    );
  });

  it('rebuilds reports on demand: a day from its records gives the bytes the pipeline wrote; a year sums its months', async () => {
    const keys = ['json', 'csv', 'html'].map((ext) => `reports/dt=2018-02-05/daily_report.${ext}`);
    const written = await Promise.all(keys.map(text));
    const day = await runCommandLine(['report', '--date', '2018-02-05'], env);
    expect(day.code, day.stderr).toBe(0);
    expect(day.stdout).toContain(dataPath('reports/dt=2018-02-05/daily_report.html'));
    expect(await Promise.all(keys.map(text))).toEqual(written);

    const year = await runCommandLine(['report', '--year', '2018'], env);
    expect(year.code, year.stderr).toBe(0);
    expect(year.stdout).toContain(dataPath('reports/year=2018/annual_report.html'));
    const annual = eco2mixOf(await json<PeriodReport>('reports/year=2018/annual_report.json'));
    const [february, march] = [annual.months[1], annual.months[2]];
    expect(february).toMatchObject({ status: 'complete', days: { succeeded: 28 } });
    expect(march).toMatchObject({ status: 'partial', days: { succeeded: 2 } });
    const figure = (f: Record<string, unknown> | null | undefined, key: string) => Number(f?.[key] ?? 0);
    expect(figure(annual.totals, 'consumption.energyMWh')).toBeCloseTo(
      figure(february?.figures, 'consumption.energyMWh') + figure(march?.figures, 'consumption.energyMWh'),
      4,
    );
    expect(annual.totals['consumption.peakMW']).toBe(
      Math.max(figure(february?.figures, 'consumption.peakMW'), figure(march?.figures, 'consumption.peakMW')),
    );
    expect(annual.daily.filter((d) => d.figures !== null)).toHaveLength(30);
    const csv = await text('reports/year=2018/annual_report.csv');
    expect(csv.split('\r\n')[0]).toBe('dataset,period,status,metric,value');
    expect(csv).toContain('eco2mix,2018-02,complete,days_with_data,28\r\n');
    expect(csv).toContain('eco2mix,2018-02,complete,completeness,1\r\n');
    expect(csv).toContain('eco2mix,2018,partial,days_with_data,30\r\n');
  });

  it('writes byte-identical JSON, CSV and HTML each of 5 times the month is rebuilt from the same Parquet', async () => {
    const keys = ['json', 'csv', 'html'].map((ext) => `reports/month=2018-02/monthly_report.${ext}`);
    const hashes = new Set<string>();
    const hashOfFiles = async () => {
      const files = await Promise.all(keys.map((key) => readFile(dataPath(key))));
      hashes.add(files.map((bytes) => createHash('sha256').update(bytes).digest('hex')).join(' '));
    };
    // The first rebuild through the command, the four others through the same call it makes
    // (a rebuild waited for), each checked as the command checks it: built, with no error.
    const r = await runCommandLine(['report', '--month', '2018-02'], env);
    expect(r.code, r.stderr).toBe(0);
    await hashOfFiles();
    for (let build = 1; build < 5; build += 1) {
      const state = await rebuildPeriodReport(harness.client, month, harness.config.temporal.taskQueue, {
        timeoutMs: WAIT_DEADLINE_MS,
      });
      expect(state.lastError).toBeNull();
      await hashOfFiles();
    }
    expect(hashes.size).toBe(1);
  });

  it('builds the same bytes from the days read where the local store keeps them as from copies of them', async () => {
    await settled(month);
    const { deps } = harness.resources;
    const keys = ['json', 'csv', 'html'].map((ext) => `reports/month=2018-02/monthly_report.${ext}`);
    const filesNow = () => Promise.all(keys.map((key) => readFile(dataPath(key))));
    const stored = deps.objects;
    let readInPlace = 0;
    const counted: ObjectStore = Object.create(stored, {
      fileInPlace: {
        value: async (key: string) => {
          const file = (await stored.fileInPlace?.(key)) ?? null;
          if (file) readInPlace += 1;
          return file;
        },
      },
    }) as ObjectStore;
    await writePeriodReport({ ...deps, objects: counted }, 'month', '2018-02');
    const inPlace = await filesNow();
    expect(readInPlace).toBeGreaterThan(20);
    // The same store without files to read in place: every day's table is copied first.
    const copying: ObjectStore = Object.create(stored, { fileInPlace: { value: undefined } }) as ObjectStore;
    await writePeriodReport({ ...deps, objects: copying }, 'month', '2018-02');
    expect(await filesNow()).toEqual(inPlace);
  });

  it('fails a month over a day whose Parquet is corrupt, naming the day, the file and what to run', async () => {
    await settled(month);
    const key = 'processed/eco2mix/dt=2018-02-10/eco2mix_national.parquet';
    const original = await readFile(dataPath(key));
    // Other bytes of the same size: what a disk gone bad, or a stray copy, leaves behind.
    await writeFile(dataPath(key), Buffer.alloc(original.length, 0x41));
    try {
      await expect(writePeriodReport(harness.resources.deps, 'month', '2018-02')).rejects.toThrow(
        new RegExp(
          `^${key}: the eco2mix table of 2018-02-10 cannot be read \\(.*magic bytes.*\\); ` +
            'check the day.s outputs with courant verify --from 2018-02-10 --to 2018-02-10 --datasets eco2mix --deep, ' +
            'then run it again with courant backfill --from 2018-02-10 --to 2018-02-10 --datasets eco2mix --mode missing$',
        ),
      );
    } finally {
      await writeFile(dataPath(key), original);
    }
  });

  it('spaces the builds of a burst by four times the last build, unless someone waits for the next', async () => {
    const queue = harness.config.temporal.taskQueue;
    const ask = async (now: boolean) => {
      await requestPeriodReport(harness.client, month, queue, now ? { now: true } : {});
      await waitForPeriodReport(harness.client, month, queue, { timeoutMs: WAIT_DEADLINE_MS });
    };
    // Three requests in one run, each as soon as the build before it ended: two automatic, then one waited for.
    await ask(false);
    await ask(false);
    await ask(true);
    const history = await harness.client.workflow.getHandle(workflowIds.periodReport(month, queue)).fetchHistory();
    const events = history.events ?? [];
    const at = (event: (typeof events)[number]) =>
      Number(event.eventTime?.seconds ?? 0) * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6);
    const builds = events.flatMap((event, index) => {
      if (event.activityTaskScheduledEventAttributes?.activityType?.name !== 'buildReport') return [];
      const completed = events.find(
        (e) => e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() === event.eventId?.toString(),
      );
      if (!completed) throw new Error('a build did not complete');
      return [{ index, scheduled: at(event), completed: at(completed), completedIndex: events.indexOf(completed) }];
    });
    const [first, second, third] = builds.slice(-3);
    if (!first || !second || !third) throw new Error(`expected three builds in the run, found ${builds.length}`);
    expect(second.scheduled - first.completed).toBeGreaterThanOrEqual(4 * (first.completed - first.scheduled));
    const timersBetween = (from: number, to: number) =>
      events
        .slice(from, to)
        .flatMap((e) =>
          e.timerStartedEventAttributes
            ? [
                Number(e.timerStartedEventAttributes.startToFireTimeout?.seconds ?? 0) * 1000 +
                  Math.floor((e.timerStartedEventAttributes.startToFireTimeout?.nanos ?? 0) / 1e6),
              ]
            : [],
        );
    // Besides the wait for a request (60 s) and the 2-second quiet, the cooldown is a timer of its
    // own; the build someone waits for has none.
    const cooldowns = (from: number, to: number) =>
      timersBetween(from, to).filter((ms) => ms !== 2_000 && ms !== 60_000);
    expect(cooldowns(first.completedIndex, second.index).length).toBe(1);
    expect(cooldowns(second.completedIndex, third.index)).toEqual([]);
    if (process.env.RECORD_HISTORIES === '1') {
      await writeFile('test/replay/histories/period-report-spaced-builds.json', historyToJSON(history));
    }
  });
});
