/**
 * Paris roadworks (cityflow): the portal's works that disturb traffic (`chantiers-perturbants`).
 * The portal keeps only the CURRENT list, so the snapshot collector takes it once a Paris day and
 * day D is read from the list taken on D: one Parquet row per work, active on D when its dates hold
 * D (inclusive). A past day without a snapshot has no data (NoData), and never will.
 */
import type { DatasetModule } from '../contract.js';
import { eachDayMetrics, eachDayTransform } from '../each-day.js';
import { roadworksDemo } from './demo/demo.js';
import { roadworksConfig, type RoadworksConfig } from './config.js';
import { roadworksMetrics } from './metrics.js';
import { roadworksReport } from './report.js';
import { ROADWORKS_SOURCE, roadworksSnapshot } from './source.js';
import { transformRoadworks } from './transform.js';

export const cityflowRoadworksModule: DatasetModule<RoadworksConfig> = {
  name: 'cityflow-roadworks',
  title: 'Paris roadworks',
  config: roadworksConfig,
  runsDaily: (config) => config.collect,
  inputs: () => [{ kind: 'snapshot', source: ROADWORKS_SOURCE }],
  snapshots: { collects: (config) => config.collect, sources: [roadworksSnapshot] },
  transform: eachDayTransform(transformRoadworks),
  metrics: eachDayMetrics(roadworksMetrics),
  // The list is taken early in the day and the day runs after it: due at D+1 06:00 Paris, when collected.
  dueHours: (config) => (config.collect ? 6 : null),
  demo: roadworksDemo,
  report: roadworksReport,
};
