/**
 * Smart meters: per-meter interval readings delivered as files (dropped in `inbox/smartmeter/` or
 * given to `courant ingest`), in any of the shapes of shapes.ts, turned into one Parquet table of
 * readings and one of figures per meter for each Paris day.
 */
import type { DatasetModule } from '../contract.js';
import { eachDayMetrics, eachDayTransform } from '../each-day.js';
import { smartMeterChecks } from './checks.js';
import { smartMeterConfig, type SmartMeterConfig } from './config.js';
import { smartMeterMetrics } from './day-metrics.js';
import { transformSmartMeterFiles } from './day-transform.js';
import { smartMeterDrop } from './drop.js';
import { smartMeterReport } from './report.js';

export const smartmeterModule: DatasetModule<SmartMeterConfig> = {
  name: 'smartmeter',
  title: 'Smart meters',
  config: smartMeterConfig,
  inputs: () => [{ kind: 'drop' }],
  drop: smartMeterDrop,
  transform: eachDayTransform(transformSmartMeterFiles),
  metrics: eachDayMetrics(smartMeterMetrics),
  checks: smartMeterChecks,
  dueHours: (config) => config.dueHours,
  report: smartMeterReport,
};
