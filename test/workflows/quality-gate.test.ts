/**
 * Quality checks gate a day on the real dev server: an unbalanced eCO2mix day fails with
 * DataQuality naming the check, its value, its limit and the file; the report is still written and
 * says why, the month leaves the day out and says so; an unknown `--accept-check` is refused listing the day's failed checks; accepting the
 * check knowingly lets the day succeed with the acceptance recorded; a fixed source passes.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import type { PeriodReport } from '../../src/reports/period-report.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import type { CheckResult } from '../../src/workflow-safe/quality.js';
import { runCommandLine } from '../support/run-cli.js';
import {
  emptyExport,
  syntheticRealtimeExport,
  unbalancedRealtimeExport,
  whereStartOf,
} from '../support/synthetic-eco2mix.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { readUntil } from '../support/deadlines.js';

const TR = 'eco2mix-national-tr';
const DAY = '2019-06-12';

let odre: OdreServer;
let harness: TestWorkerHarness;
let env: Record<string, string>;
const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);

async function dayRecord() {
  return harness.resources.deps.records.getDayRun('eco2mix', DAY);
}

beforeAll(async () => {
  odre = await startOdreServer({ [TR]: syntheticRealtimeExport(DAY, DAY), 'eco2mix-national-cons-def': emptyExport() });
  odre.failWhen(TR, (where) =>
    where?.startsWith(whereStartOf(DAY))
      ? { status: 200, contentType: 'text/csv', body: unbalancedRealtimeExport(DAY) }
      : undefined,
  );
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
  env = cliEnv(harness.config);
});

afterAll(async () => {
  await harness.close();
  await odre.close();
});

describe('a blocking quality check', () => {
  it('fails the day with DataQuality, naming the check, its value, its limit and the file; the report says why', async () => {
    const r = await runCommandLine(['run', '--date', DAY, '--wait'], env);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const output = r.stdout + r.stderr;
    expect(output).toContain('[DataQuality]');
    expect(output).toMatch(
      /balance \(block\): observed 0\.\d+, expected ≤ 0\.01 of the day’s consumption; 4 row\(s\) involved/,
    );
    expect(output).toContain(`processed/eco2mix/dt=${DAY}/eco2mix_national.parquet`);
    expect(output).toContain(`quality/eco2mix/dt=${DAY}/checks.json`);
    expect(output).toContain(`courant run --date ${DAY} --datasets eco2mix --accept-check balance`);

    const record = await dayRecord();
    expect(record).toMatchObject({ status: 'failed', stage: 'quality', error: { type: 'DataQuality' } });
    expect(record?.checks?.find((c) => c.name === 'balance')).toMatchObject({ passed: false, accepted: false });
    const checks = JSON.parse(await readFile(dataPath(`quality/eco2mix/dt=${DAY}/checks.json`), 'utf8')) as {
      checks: CheckResult[];
    };
    expect(checks.checks.map((c) => [c.name, c.passed])).toEqual([
      ['consumption_range', true],
      ['balance', false],
      ['missing_column', true],
      ['sustained_imbalance', true],
      ['co2_range', true],
      ['stuck_consumption', true],
      ['unique_instants', true],
      ['balance_points', false],
      ['completeness', true],
    ]);
    expect(await readdir(dataPath(`quarantine/eco2mix/dt=${DAY}/blocked`))).toEqual([
      expect.stringMatching(/^consolidated-[0-9a-f]{16}\.csv$/),
      expect.stringMatching(/^realtime-[0-9a-f]{16}\.csv$/),
    ]);
    const report = await readFile(dataPath(`reports/dt=${DAY}/daily_report.html`), 'utf8');
    expect(report).toContain('data-check="balance"');
    expect(report).toContain('blocked the day');

    // The month leaves the blocked day out and says so.
    // The page is written after the JSON and CSV: once it is there, the month is complete.
    const monthPage = dataPath('reports/month=2019-06/monthly_report.html');
    await readUntil(
      () => readFile(monthPage, 'utf8').catch(() => ''),
      (page) => page !== '',
      200,
    );
    const month = JSON.parse(
      await readFile(dataPath('reports/month=2019-06/monthly_report.json'), 'utf8'),
    ) as PeriodReport;
    const eco2mix = month.datasets.find((d) => d.dataset === 'eco2mix');
    expect(eco2mix?.days).toMatchObject({ succeeded: 0, failed: 1, blocked: 1 });
    expect(eco2mix?.daily.find((d) => d.date === DAY)).toMatchObject({ status: 'blocked', figures: null });
    expect(await readFile(monthPage, 'utf8')).toContain('1 failed (1 blocked by a quality check, left out)');

    if (process.env.RECORD_HISTORIES === '1') {
      const history = await harness.client.workflow.getHandle(workflowIds.datasetDay('eco2mix', DAY)).fetchHistory();
      await writeFile('test/replay/histories/dataset-day-quality-blocked.json', historyToJSON(history));
      const daily = await harness.client.workflow.getHandle(workflowIds.daily(DAY)).fetchHistory();
      await writeFile('test/replay/histories/daily-pipeline-dataset-failed.json', historyToJSON(daily));
    }
  });

  it('refuses to accept a check that did not fail, listing those that did', async () => {
    const r = await runCommandLine(['run', '--date', DAY, '--accept-check', 'co2_range'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `--accept-check: co2_range did not fail on ${DAY}; the day's failed checks: balance (eco2mix)`,
    );
  });

  it('lets an operator accept it knowingly: the day succeeds, the acceptance in the record, report and status', async () => {
    const r = await runCommandLine(['run', '--date', DAY, '--accept-check', 'balance', '--wait'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`accepting balance for this run of ${DAY}`);
    const record = await dayRecord();
    expect(record).toMatchObject({ status: 'succeeded', error: null });
    expect(record?.checks?.find((c) => c.name === 'balance')).toMatchObject({ passed: false, accepted: true });
    const report = JSON.parse(await readFile(dataPath(`reports/dt=${DAY}/daily_report.json`), 'utf8')) as {
      summary: { text: string };
    };
    expect(report.summary.text).toMatch(
      /accepted by an operator: balance \(observed 0\.\d+, expected ≤ 0\.01 of the day’s consumption\)/,
    );
    const status = await runCommandLine(['status', '--from', DAY, '--to', DAY], env);
    expect(status.stdout).toContain('eco2mix: checks balance (accepted)');
  });

  it('fetches the fixed source again on a re-run, and passes', async () => {
    odre.failWhen(TR, null);
    const r = await runCommandLine(['run', '--date', DAY, '--wait'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const record = await dayRecord();
    expect(record?.status).toBe('succeeded');
    expect(record?.checks?.every((c) => c.passed)).toBe(true);
    const status = await runCommandLine(['status', '--from', DAY, '--to', DAY, '--check'], env);
    expect(status.code, status.stdout + status.stderr).toBe(0);
  });
});
