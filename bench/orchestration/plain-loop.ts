/**
 * One eCO2mix day without Temporal: the activities the day's workflows call, in the same order, in
 * a plain loop (each inside a mock activity context), with the worker's own clients and storage.
 * What Temporal adds on top — workflow tasks, history, child workflow, the month report request,
 * search attributes — is what the comparison with the real runs measures.
 * Configured by the same environment as `courant worker`.
 * Reports each day's wall time and the process's CPU time for it (its own threads, DuckDB's included).
 * Usage: plain-loop.ts --dates D1,D2,… (the first is a warm-up, not reported)
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities } from '../../src/activities/index.js';
import { loadConfig } from '../../src/config/index.js';
import { openWorkerResources } from '../../src/workers/resources.js';
import { printReport } from '../lib/child.js';
import { peakRssBytes } from '../lib/proc.js';
import { argsOf, required } from '../transform/outputs.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';

/** Runs one activity in the mock context, typed by the activity's own input and output. */
function inContext<I, O>(env: MockActivityEnvironment, activity: (input: I) => Promise<O>, input: I): Promise<O> {
  return env.run(activity, input);
}

const dates = required(argsOf(process.argv.slice(2)), 'dates').split(',');
const config = loadConfig(process.env, DATASET_MODULES);
const resources = await openWorkerResources(config);
const connection = await Connection.connect({ address: config.temporal.address });
try {
  const activities = createActivities(resources.deps, new Client({ connection, namespace: config.temporal.namespace }));
  const logger = new DefaultLogger('WARN');
  const dataset = 'eco2mix';
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  for (const date of dates) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const env = new MockActivityEnvironment(
      {
        workflowExecution: { workflowId: `day/${dataset}/${date}`, runId: randomUUID() },
        taskQueue: config.temporal.taskQueue,
      },
      { logger },
    );
    await inContext(env, activities.rangeHoldingDay, { dataset, date });
    await inContext(env, activities.startDayRun, { dataset, date, runKind: 'manual' });
    const plan = await inContext(env, activities.planDay, { dataset, date });
    const downloaded = await Promise.all(
      plan.downloads.map((download) => inContext(env, activities.downloadSource, { dataset, date, ...download })),
    );
    const inputs = [...downloaded, ...plan.files];
    const transformed = await inContext(env, activities.transformDay, { dataset, date, inputs });
    const { processedKeys } = transformed;
    const metrics = await inContext(env, activities.computeMetrics, { dataset, date, processedKeys });
    const quality = await inContext(env, activities.checkQuality, {
      dataset,
      date,
      processedKeys,
      accept: [],
      rows: transformed.rows,
      inputs,
    });
    await inContext(env, activities.finishDayRun, {
      dataset,
      date,
      status: 'succeeded',
      stage: 'done',
      inputs,
      outputs: [
        ...processedKeys,
        transformed.rejectsKey,
        metrics.metricsKey,
        ...(quality.checksKey ? [quality.checksKey] : []),
      ],
      rows: transformed.rows,
      error: null,
      checks: quality.results,
    });
    await inContext(env, activities.buildDailyReport, {
      date,
      outcomes: [
        {
          dataset,
          status: 'succeeded',
          output: {
            dataset,
            date,
            processedKeys,
            metricsKey: metrics.metricsKey,
            rows: transformed.rows,
            completeness: metrics.completeness,
          },
        },
      ],
    });
    seconds.push((performance.now() - started) / 1000);
    const cpu = process.cpuUsage(cpuBefore);
    cpuSeconds.push((cpu.user + cpu.system) / 1e6);
  }
  printReport({ seconds: seconds.slice(1), cpuSeconds: cpuSeconds.slice(1), peakRssBytes: peakRssBytes() ?? 0 });
} finally {
  await connection.close();
  await resources.close();
}
