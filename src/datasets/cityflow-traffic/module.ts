/**
 * Paris traffic counters (cityflow): the portal's permanent road counters, one CSV export per
 * Paris day fetched after it — hourly vehicles and occupancy per arc, the hour stamped at its END
 * by the source — turned into one Parquet row per arc and hour start; beside it, the range the
 * portal's live dataset holds, which tells a day without data (NoData) from a bad export (BadData).
 */
import { BadDataError } from '../../workflow-safe/errors.js';
import { offlineDemo } from '../capabilities/demo.js';
import { defineDataset } from '../contract.js';
import { eachDayMetrics, eachDayTransform } from '../each-day.js';
import type { DatasetModule } from '../modules.js';
import { trafficDemo } from './demo/demo.js';
import { trafficConfig } from './config.js';
import { trafficMetrics } from './metrics.js';
import { trafficMetricsSchema } from './metrics-schema.js';
import { trafficReport } from './report.js';
import { liveRangeUrl, parseLiveRange, RANGE_SOURCE } from './live-range.js';
import { TRAFFIC_SOURCE, trafficExportUrl } from './source.js';
import { columnsOf, TRAFFIC_TABLE, transformTraffic } from './transform.js';

export const cityflowTrafficDataset = defineDataset({
  name: 'cityflow-traffic',
  title: 'Paris traffic counters',
  config: trafficConfig,
  tables: [TRAFFIC_TABLE],
  metricsSchema: trafficMetricsSchema,
  runsDaily: (config) => config.daily,
  inputs: (date, config) => [
    { kind: 'http', source: TRAFFIC_SOURCE, url: trafficExportUrl(config.baseUrl, date), extension: 'csv' },
    { kind: 'http', source: RANGE_SOURCE, url: liveRangeUrl(config.baseUrl), extension: 'json' },
  ],
  checkDownload(source: string, body: Uint8Array, file: string) {
    if (source === RANGE_SOURCE) {
      parseLiveRange(body, file);
      return;
    }
    const head = new TextDecoder().decode(body.subarray(0, 4096)).replace(/^\uFEFF/, '');
    if (/^\s*</.test(head)) throw new BadDataError({ file }, 'the source answered a page, not a CSV export');
    columnsOf(head.split(/\r?\n/, 1)[0] ?? '', file);
  },
  transform: eachDayTransform(transformTraffic),
  metrics: eachDayMetrics(trafficMetrics),
  // The counts of a day are published within hours: due at D+1 06:00 Paris, when run daily.
  dueHours: (config) => (config.daily ? 6 : null),
  report: trafficReport,
});

export const cityflowTraffic = {
  dataset: cityflowTrafficDataset,
  capabilities: [offlineDemo(cityflowTrafficDataset, trafficDemo)],
} satisfies DatasetModule;
