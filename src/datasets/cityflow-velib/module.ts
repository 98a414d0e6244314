/**
 * Vélib' Métropole (cityflow): bikes and docks available per station, from snapshots of the GBFS
 * feed that the collector takes during the day — `station_status` in every slot, the station list
 * once a day. The feed keeps no history: a day exists only as the snapshots taken during it, each
 * standing for its own slot; a day never collected cannot be run after the fact (NoData).
 */
import type { DatasetModule } from '../contract.js';
import { eachDayMetrics, eachDayTransform } from '../each-day.js';
import { velibDemo } from './demo/demo.js';
import { velibConfig, type VelibConfig } from './config.js';
import { velibMetrics } from './metrics.js';
import { velibReport } from './report.js';
import { STATIONS_SOURCE, STATUS_SOURCE, velibSources } from './source.js';
import { transformVelib } from './transform.js';

export const cityflowVelibModule: DatasetModule<VelibConfig> = {
  name: 'cityflow-velib',
  title: "Vélib' Métropole",
  config: velibConfig,
  runsDaily: (config) => config.collect,
  inputs: () => [
    { kind: 'snapshot', source: STATUS_SOURCE },
    { kind: 'snapshot', source: STATIONS_SOURCE },
  ],
  snapshots: { collects: (config) => config.collect, sources: velibSources },
  transform: eachDayTransform(transformVelib),
  metrics: eachDayMetrics(velibMetrics),
  demo: velibDemo,
  report: velibReport,
};
