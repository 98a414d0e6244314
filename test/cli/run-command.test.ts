/** `courant run --wait` against the real dev server, a real worker and the document store. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoExports } from '../../src/datasets/eco2mix/demo/sample-exports.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { runCli } from '../support/run-cli.js';
import { startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

let odre: OdreServer;
let harness: TestWorkerHarness;
let env: Record<string, string>;

beforeAll(async () => {
  odre = await startOdreServer(await loadDemoExports());
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
  env = {
    TEMPORAL_ADDRESS: harness.config.temporal.address,
    TEMPORAL_NAMESPACE: harness.config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: harness.config.temporal.taskQueue,
  };
});

afterAll(async () => {
  await harness.close();
  await odre.close();
});

describe('courant run --wait', () => {
  it('runs a day, prints its progress and result, and exits 0', async () => {
    const r = await runCli(['run', '--date', '2021-12-20', '--wait'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('daily/2021-12-20 started');
    expect(r.stdout).toContain('daily/2021-12-20 succeeded');
    expect(r.stdout).toContain('eco2mix: 96 rows read, 96 written, 0 rejected; completeness 100.0%');
    expect((await harness.resources.deps.records.getDayRun('eco2mix', '2021-12-20'))?.runKind).toBe('manual');
  });

  it('exits 1 and prints what failed and what to do when the day fails', async () => {
    odre.failNext('eco2mix-national-tr', [
      { status: 200, contentType: 'text/html', body: '<html><body>Service unavailable</body></html>' },
    ]);
    const r = await runCli(['run', '--date', '2021-12-21', '--wait'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('daily/2021-12-21 failed');
    expect(r.stderr).toMatch(/eco2mix 2021-12-21 failed at download \[BadData\]/);
    expect(r.stderr).toContain('courant run --date 2021-12-21');
    expect(r.stderr.match(/What to do/g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/Workflow execution failed|Activity task failed/);
  });

  it("follows the run it started: a re-run shows none of the earlier failed run's progress", async () => {
    odre.failNext('eco2mix-national-tr', [
      { status: 200, contentType: 'text/html', body: '<html><body>Service unavailable</body></html>' },
    ]);
    const failed = await runCli(['run', '--date', '2021-12-22', '--wait'], env);
    expect(failed.code).toBe(1);

    const again = await runCli(['run', '--date', '2021-12-22', '--wait'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('(failed)');
    expect(again.stdout).toContain('eco2mix: done (completed)');

    // The refused body of the failed run is kept, but no longer where the day's current problems are.
    const quarantine = path.join(harness.config.storage.dataDir, 'quarantine/eco2mix/dt=2021-12-22');
    const files = await readdir(quarantine);
    expect(files).toContain('superseded');
    expect(files).not.toContain('realtime.refused');
    const [kept] = await readdir(path.join(quarantine, 'superseded'));
    expect(kept).toMatch(/^realtime-[0-9a-f]{16}\.refused$/);
    expect(await readFile(path.join(quarantine, 'superseded', kept ?? ''), 'utf8')).toContain('Service unavailable');
  });
});
