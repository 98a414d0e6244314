/** The workflow bundle's entry point: every workflow the worker registers. */
export { backfill } from './backfill.js';
export { dailyPipeline } from './daily-pipeline.js';
export { datasetDay } from './dataset-day.js';
export { rangeRun } from './range-run.js';
export { periodReport } from './period-report.js';
export { scheduledDaily } from './scheduled-daily.js';
export { inboxScan } from './inbox-scan.js';
export { sftpPickup } from './sftp-pickup.js';
export { ingestDrop } from './ingest-drop.js';
export { ingestFiles } from './ingest-files.js';
export { dayIngestion } from './day-ingestion.js';
export { revisedDays } from './revised-days.js';
export { verifyOutputsScheduled } from './verify-outputs.js';
export { collectSnapshots } from './collect-snapshots.js';
export { billingMonth } from './billing-month.js';
export { scheduledBilling } from './scheduled-billing.js';
