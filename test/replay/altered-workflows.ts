/**
 * A dailyPipeline whose command sequence differs from the real one (report before the datasets):
 * replaying a real history against it must be reported as non-determinism.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../src/activities/index.js';
import type { DailyPipelineInput } from '../../src/workflow-safe/pipeline.js';

const quick = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes' });

/**
 * Bundled from this file by the replay test, replaying `dailyPipeline` histories.
 * @public
 */
export async function dailyPipeline(input: DailyPipelineInput): Promise<void> {
  await quick.buildDailyReport({ date: input.date, outcomes: [] });
}
