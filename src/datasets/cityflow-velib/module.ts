/**
 * Vélib' Métropole (cityflow): bikes and docks available per station, from snapshots of the GBFS
 * feed that the collector takes during the day — `station_status` in every slot, the station list
 * once a day. The feed keeps no history: a day exists only as the snapshots taken during it, each
 * standing for its own slot; a day never collected cannot be run after the fact (NoData).
 */
import { offlineDemo } from '../capabilities/demo.js';
import { collectSnapshots } from '../capabilities/snapshots.js';
import { defineDataset } from '../contract.js';
import { eachDayMetrics, eachDayTransform } from '../each-day.js';
import type { DatasetModule } from '../modules.js';
import { velibDemo } from './demo/demo.js';
import { velibConfig } from './config.js';
import { velibMetrics } from './metrics.js';
import { velibMetricsSchema } from './metrics-schema.js';
import { velibReport } from './report.js';
import { STATIONS_SOURCE, STATUS_SOURCE, velibSources } from './source.js';
import { STATIONS_TABLE } from './station-list.js';
import { STATUS_TABLE, transformVelib } from './transform.js';

export const cityflowVelibDataset = defineDataset({
  name: 'cityflow-velib',
  title: "Vélib' Métropole",
  config: velibConfig,
  tables: [STATUS_TABLE, STATIONS_TABLE],
  metricsSchema: velibMetricsSchema,
  runsDaily: (config) => config.collect,
  inputs: () => [
    { kind: 'snapshot', source: STATUS_SOURCE },
    { kind: 'snapshot', source: STATIONS_SOURCE },
  ],
  transform: eachDayTransform(transformVelib),
  metrics: eachDayMetrics(velibMetrics),
  report: velibReport,
});

export const cityflowVelib = {
  dataset: cityflowVelibDataset,
  capabilities: [
    collectSnapshots(cityflowVelibDataset, { collects: (config) => config.collect, sources: velibSources }),
    offlineDemo(cityflowVelibDataset, velibDemo),
  ],
} satisfies DatasetModule;
