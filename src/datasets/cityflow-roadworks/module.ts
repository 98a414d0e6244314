/**
 * Paris roadworks (cityflow): the portal's works that disturb traffic (`chantiers-perturbants`).
 * The portal keeps only the CURRENT list, so the snapshot collector takes it once a Paris day and
 * day D is read from the list taken on D: one Parquet row per work, active on D when its dates hold
 * D (inclusive). A past day without a snapshot has no data (NoData), and never will.
 */
import { collectSnapshots } from '../capabilities/snapshots.js';
import { offlineDemo } from '../capabilities/demo.js';
import { defineDataset } from '../contract.js';
import { eachDayMetrics, eachDayTransform } from '../each-day.js';
import type { DatasetModule } from '../modules.js';
import { roadworksDemo } from './demo/demo.js';
import { roadworksConfig } from './config.js';
import { roadworksMetrics } from './metrics.js';
import { roadworksMetricsSchema } from './metrics-schema.js';
import { roadworksReport } from './report.js';
import { ROADWORKS_SOURCE, roadworksSnapshot } from './source.js';
import { ROADWORKS_TABLE, SNAPSHOT_TABLE, transformRoadworks } from './transform.js';

export const cityflowRoadworksDataset = defineDataset({
  name: 'cityflow-roadworks',
  title: 'Paris roadworks',
  config: roadworksConfig,
  tables: [ROADWORKS_TABLE, SNAPSHOT_TABLE],
  metricsSchema: roadworksMetricsSchema,
  runsDaily: (config) => config.collect,
  inputs: () => [{ kind: 'snapshot', source: ROADWORKS_SOURCE }],
  transform: eachDayTransform(transformRoadworks),
  metrics: eachDayMetrics(roadworksMetrics),
  // The list is taken early in the day and the day runs after it: due at D+1 06:00 Paris, when collected.
  dueHours: (config) => (config.collect ? 6 : null),
  report: roadworksReport,
});

export const cityflowRoadworks = {
  dataset: cityflowRoadworksDataset,
  capabilities: [
    collectSnapshots(cityflowRoadworksDataset, { collects: (config) => config.collect, sources: [roadworksSnapshot] }),
    offlineDemo(cityflowRoadworksDataset, roadworksDemo),
  ],
} satisfies DatasetModule;
