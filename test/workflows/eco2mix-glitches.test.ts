/**
 * Real eCO2mix days with publication glitches on the real dev server: the 31 days of the December 2021
 * real-time sample served by the ODRÉ stand-in, each with the real-time glitch (one production column
 * lagging at 1–8 isolated quarter-hours, 1.8–7 % off, random but seeded) injected into the served
 * rows. A backfill runs them: no day is blocked, and each day's glitches are the `balance_points`
 * warning of its record and of its checks.json.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { apiRecordsToExportCsv, labelRowToApiRecord } from '../../src/datasets/eco2mix/export-csv.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import type { CheckResult } from '../../src/workflow-safe/quality.js';
import { glitchedRecords, type Glitch } from '../support/eco2mix-data-faults.js';
import { ECO2MIX_FIXTURE_FILES, readEco2mixFixture } from '../support/eco2mix-fixtures.js';
import { runCommandLine } from '../support/run-cli.js';
import { emptyExport } from '../support/synthetic-eco2mix.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const FROM = '2021-12-01';
const TO = '2021-12-31';
const DAYS = datesInRange(FROM, TO);

let odre: OdreServer;
let harness: TestWorkerHarness;
let env: Record<string, string>;
let plans: Map<string, Glitch[]>;

beforeAll(async () => {
  const rows = parse<Record<string, string>>(readEco2mixFixture(ECO2MIX_FIXTURE_FILES.labels2021), {
    columns: true,
    delimiter: ';',
  });
  const glitched = glitchedRecords(rows.map(labelRowToApiRecord), DAYS, 'december-2021');
  plans = glitched.plans;
  odre = await startOdreServer({
    'eco2mix-national-tr': apiRecordsToExportCsv(glitched.records),
    'eco2mix-national-cons-def': emptyExport(),
  });
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
  env = cliEnv(harness.config);
});

afterAll(async () => {
  await harness.close();
  await odre.close();
});

/** `2021-12-01 09:15:00+00` (DuckDB's text of an instant) as epoch milliseconds. */
const epochOf = (text: unknown) => Date.parse(String(text).replace(' ', 'T').replace(/\+00$/, 'Z'));

describe('the real December 2021 month with publication glitches on every day', () => {
  it('all succeed: none blocked, each day’s glitch points listed by the balance_points warning', async () => {
    const r = await runCommandLine(['backfill', '--from', FROM, '--to', TO, '--parallel', '4', '--wait'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/succeeded\s+31/);
    let glitches = 0;
    for (const date of DAYS) {
      const plan = plans.get(date) ?? [];
      glitches += plan.length;
      const record = await harness.resources.deps.records.getDayRun('eco2mix', date);
      expect(record?.status, date).toBe('succeeded');
      expect(
        record?.checks?.filter((c) => c.severity === 'block' && !c.passed),
        date,
      ).toEqual([]);
      const warned = record?.checks?.find((c) => c.name === 'balance_points');
      expect(warned, date).toMatchObject({ passed: false, severity: 'warn', rowsInvolved: plan.length });

      const file = path.join(harness.config.storage.dataDir, `quality/eco2mix/dt=${date}/checks.json`);
      const stored = JSON.parse(await readFile(file, 'utf8')) as { checks: CheckResult[] };
      const listed = stored.checks.find((c) => c.name === 'balance_points');
      expect(listed?.sample.length, date).toBe(Math.min(plan.length, 5));
      const planned = new Map(plan.map((g) => [Date.parse(g.instant), g.column]));
      for (const point of listed?.sample ?? []) {
        expect(planned.get(epochOf(point['instant'])), `${date} ${String(point['instant'])}`).toBe(
          point['moved_column'],
        );
      }
    }
    expect(glitches).toBeGreaterThanOrEqual(DAYS.length);
  });
});
