/** createActivities(deps, client): every activity, built once with the worker's clients, heartbeating. */
import type { Client } from '@temporalio/client';
import { createAttachActivities } from './attach.js';
import { createBackfillPlanActivities } from './backfill-plan.js';
import { createBillingActivities } from './billing.js';
import { createBillingShardActivities } from './billing-shards.js';
import { createDayRequestActivities } from './day-requests.js';
import { createDayRunActivities } from './day-runs.js';
import type { ActivityDeps } from './deps.js';
import { createDownloadActivities } from './download.js';
import { createDropBatchActivities } from './drop-batches.js';
import { createDropActivities } from './drops.js';
import { createImportActivities } from './imports.js';
import { createMetricsActivities } from './metrics.js';
import { createPeriodReportActivities } from './period-reports.js';
import { createPlanActivities } from './plan.js';
import { createQualityActivities } from './quality.js';
import { createRangeRecordActivities } from './range-records.js';
import { createRangeStageActivities } from './range-stages.js';
import { createReportActivities } from './report.js';
import { createRevisedDaysActivities } from './revised-days.js';
import { createSftpActivities } from './sftp-pickup.js';
import { createSnapshotActivities } from './snapshots.js';
import { withHeartbeats } from './heartbeat.js';
import { createTransformActivities } from './transform.js';
import { createVerifyActivities } from './verify-outputs.js';

export function createActivities(deps: ActivityDeps, temporal: Client) {
  return withHeartbeats(
    {
      ...createAttachActivities(temporal, deps.records),
      ...createBackfillPlanActivities(deps),
      ...createBillingActivities(deps, temporal),
      ...createBillingShardActivities(deps),
      ...createDayRequestActivities(temporal),
      ...createDayRunActivities(deps, temporal),
      ...createPlanActivities(deps),
      ...createDownloadActivities(deps),
      ...createDropActivities(deps, temporal.workflow),
      ...createDropBatchActivities(deps, temporal.workflow),
      ...createTransformActivities(deps),
      ...createMetricsActivities(deps),
      ...createQualityActivities(deps),
      ...createReportActivities(deps),
      ...createRangeStageActivities(deps),
      ...createRangeRecordActivities(deps),
      ...createImportActivities(deps),
      ...createPeriodReportActivities(deps, temporal),
      ...createRevisedDaysActivities(deps),
      ...createSnapshotActivities(deps),
      ...createVerifyActivities(deps),
      ...createSftpActivities(deps, temporal.workflow),
    },
    deps.localRoots,
  );
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps.js';
