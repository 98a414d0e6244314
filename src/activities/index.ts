/** createActivities(deps): every activity, built once with the worker's clients. */
import { createDayRunActivities } from './day-runs.js';
import type { ActivityDeps } from './deps.js';
import { createDownloadActivities } from './download.js';
import { createMetricsActivities } from './metrics.js';
import { createReportActivities } from './report.js';
import { createTransformActivities } from './transform.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createDayRunActivities(deps),
    ...createDownloadActivities(deps),
    ...createTransformActivities(deps),
    ...createMetricsActivities(deps),
    ...createReportActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps.js';
