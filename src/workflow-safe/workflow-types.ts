/**
 * The signatures of the workflows that clients start or wait for, so that the client and the CLI
 * name a workflow by its type and input/output without importing workflow code.
 */
import type { BackfillInput, BackfillSummary } from './backfill.js';
import type { BillingMonthInput, BillingMonthOutput } from './billing.js';
import type { DayIngestionInput, DayIngestionOutput, IngestDropInput, IngestDropOutput } from './ingest.js';
import type { PeriodReportInput, PeriodReportState } from './period-report-messages.js';
import type { DailyPipelineInput, DailyPipelineOutput } from './pipeline.js';
import type { RangeRunInput, RangeRunOutput } from './ranges.js';

export type DailyPipelineWorkflow = (input: Partial<DailyPipelineInput>) => Promise<DailyPipelineOutput>;
export type BackfillWorkflow = (input: BackfillInput) => Promise<BackfillSummary>;
export type IngestDropWorkflow = (input: IngestDropInput) => Promise<IngestDropOutput>;
export type DayIngestionWorkflow = (input: DayIngestionInput) => Promise<DayIngestionOutput>;
export type PeriodReportWorkflow = (input: PeriodReportInput) => Promise<PeriodReportState>;
export type BillingMonthWorkflow = (input: BillingMonthInput) => Promise<BillingMonthOutput>;
export type RangeRunWorkflow = (input: RangeRunInput) => Promise<RangeRunOutput>;
