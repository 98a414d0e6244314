/**
 * A whole year from one RTE yearly file (synthetic `eCO2mix_RTE_Annuel-Definitif_2017.zip`, 35 040
 * rows), imported with one command on the real dev server. Minutes long, so it runs on demand:
 * `COURANT_IMPORT_YEAR=1 npx vitest run test/workflows/import-year.test.ts`; the time taken is kept
 * in test-artifacts/import-year.txt.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodReport } from '../../src/reports/period-report.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { buildRteFile, zipRteFile } from '../support/rte-files.js';
import { runCommandLine } from '../support/run-cli.js';
import { startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const PARALLEL = process.env.COURANT_IMPORT_PARALLEL ?? '8';
let harness: TestWorkerHarness;

describe.runIf(process.env.COURANT_IMPORT_YEAR === '1')('import of a year-long RTE file', () => {
  beforeAll(async () => {
    harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: 'http://127.0.0.1:9' }));
  });

  afterAll(async () => {
    await harness?.close();
  });

  it(
    'runs the 365 days of 2017 and writes the twelve monthly reports and the annual one',
    { timeout: 1_800_000 },
    async () => {
      const zip = zipRteFile(buildRteFile({ from: '2017-01-01', to: '2017-12-31', kind: 'Definitif' }));
      const file = path.join(os.tmpdir(), `${harness.config.temporal.taskQueue}-${zip.name}`);
      await writeFile(file, zip.bytes);
      const started = Date.now();
      const r = await runCommandLine(['import', '--file', file, '--parallel', PARALLEL, '--wait'], {
        TEMPORAL_ADDRESS: harness.config.temporal.address,
        TEMPORAL_NAMESPACE: harness.config.temporal.namespace,
        TEMPORAL_TASK_QUEUE: harness.config.temporal.taskQueue,
        MONGODB_URL: harness.config.storage.mongodbUrl,
        DATA_DIR: harness.config.storage.dataDir,
      });
      const seconds = (Date.now() - started) / 1000;
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/succeeded\s+365/);
      const annual = JSON.parse(
        await readFile(path.join(harness.config.storage.dataDir, 'reports/year=2017/annual_report.json'), 'utf8'),
      ) as PeriodReport;
      expect(annual).toMatchObject({
        status: 'complete',
        datasets: [{ dataset: 'eco2mix', days: { succeeded: 365 } }],
      });
      expect(annual.datasets[0]?.months.every((m) => m.status === 'complete')).toBe(true);
      await mkdir(path.join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
      await writeFile(
        path.join(PROJECT_ROOT, 'test-artifacts', 'import-year.txt'),
        `${zip.name} (${zip.bytes.byteLength} bytes zipped, 35040 rows), --parallel ${PARALLEL}: ${seconds.toFixed(1)} s on ${os.cpus().length} cores\n${r.stdout}`,
      );
    },
  );
});
