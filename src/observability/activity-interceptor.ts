/**
 * Times the pipeline's stage activities (download, transform, metrics, quality, report) and counts
 * their retries, from outside the activities: an activity interceptor, given to Worker.create.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { z } from 'zod';
import type { CourantMetrics } from './metrics.js';

/** The stage each stage activity belongs to; other activities are not timed. */
const STAGE_OF_ACTIVITY: Readonly<Record<string, string>> = {
  downloadSource: 'download',
  downloadSources: 'download',
  importSource: 'download',
  transformDay: 'transform',
  computeMetrics: 'metrics',
  checkQuality: 'quality',
  buildDailyReport: 'report',
};

const datasetInput = z.object({ dataset: z.string() });

/** The dataset an activity's first argument names; `all` for activities over every dataset (the daily report). */
function datasetOf(args: readonly unknown[]): string {
  const parsed = datasetInput.safeParse(args[0]);
  return parsed.success ? parsed.data.dataset : 'all';
}

/** The interceptor factory recording `courant_stage_duration_seconds` and `courant_stage_retries_total`. */
export function stageMetricsInterceptor(metrics: CourantMetrics): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const stage = STAGE_OF_ACTIVITY[ctx.info.activityType];
        if (stage === undefined) return next(input);
        const end = metrics.stageStarted(datasetOf(input.args), stage, ctx.info.attempt);
        try {
          const result = await next(input);
          end('success');
          return result;
        } catch (error) {
          end('failure');
          throw error;
        }
      },
    },
  });
}
