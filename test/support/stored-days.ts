/** What a day leaves behind, read back for tests that compare two ways of running the same days. */
import { createHash } from 'node:crypto';
import type { ObjectStore } from '../../src/storage/object-store.js';
import type { RecordStore } from '../../src/storage/records.js';

/** Every stored output of the eCO2mix days, by key: the SHA-256 of its bytes. */
export async function outputsOf(objects: ObjectStore, dates: readonly string[]): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const date of dates) {
    const folders = ['processed', 'quarantine', 'metrics', 'quality', 'anomalies'].map(
      (area) => `${area}/eco2mix/dt=${date}`,
    );
    for (const folder of [...folders, `reports/dt=${date}`])
      for (const { key } of await objects.list(folder))
        found[key] = createHash('sha256')
          .update(await objects.get(key))
          .digest('hex');
  }
  return found;
}

/** What each eCO2mix day's record says of the day (not of the run that wrote it), and its metrics record. */
export async function recordsOf(records: RecordStore, from: string, to: string) {
  const runs = await records.listDayRuns({ from, to, datasets: ['eco2mix'] });
  return Promise.all(
    runs.map(async (run) => ({
      date: run.date,
      status: run.status,
      stage: run.stage,
      inputs: run.inputs,
      outputs: run.outputs,
      outputFiles: run.outputFiles,
      rows: run.rows,
      codeVersion: run.codeVersion,
      error: run.error,
      checks: run.checks,
      fallback: run.fallback,
      metrics: (await records.getMetrics('eco2mix', run.date))?.metrics,
      report: await records.getReport(run.date),
    })),
  );
}
