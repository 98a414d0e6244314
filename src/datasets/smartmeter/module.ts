/**
 * Smart meters: per-meter interval readings delivered as files (dropped in `inbox/smartmeter/` or
 * given to `courant ingest`), in any of the shapes of shapes.ts, turned into one Parquet table of
 * readings and one of figures per meter for each Paris day.
 */
import { dropFiles } from '../capabilities/drop.js';
import { qualityChecks } from '../capabilities/quality-checks.js';
import { defineDataset } from '../contract.js';
import { eachDayMetrics, eachDayTransform } from '../each-day.js';
import type { DatasetModule } from '../modules.js';
import { smartMeterChecks } from './checks.js';
import { smartMeterConfig } from './config.js';
import { smartMeterMetrics } from './day-metrics.js';
import { METER_DAILY_TABLE, READINGS_TABLE, transformSmartMeterFiles } from './day-transform.js';
import { smartMeterDrop } from './drop.js';
import { smartMeterMetricsSchema } from './metrics-schema.js';
import { smartMeterReport } from './report.js';

export const smartmeterDataset = defineDataset({
  name: 'smartmeter',
  title: 'Smart meters',
  config: smartMeterConfig,
  tables: [READINGS_TABLE, METER_DAILY_TABLE],
  metricsSchema: smartMeterMetricsSchema,
  inputs: () => [{ kind: 'drop' }],
  transform: eachDayTransform(transformSmartMeterFiles),
  metrics: eachDayMetrics(smartMeterMetrics),
  dueHours: (config) => config.dueHours,
  report: smartMeterReport,
});

export const smartmeter = {
  dataset: smartmeterDataset,
  capabilities: [dropFiles(smartmeterDataset, smartMeterDrop), qualityChecks(smartmeterDataset, smartMeterChecks)],
} satisfies DatasetModule;
