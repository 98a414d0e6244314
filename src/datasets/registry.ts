/** The dataset modules courant runs, in the order reports show them: the one line a new dataset adds is here. */
import type { DatasetModule } from './contract.js';
import { cityflowRoadworksModule } from './cityflow-roadworks/module.js';
import { cityflowTrafficModule } from './cityflow-traffic/module.js';
import { cityflowVelibModule } from './cityflow-velib/module.js';
import { cityflowWeatherModule } from './cityflow-weather/module.js';
import { eco2mixModule } from './eco2mix/module.js';
import { enedisModule } from './enedis/module.js';
import { smartmeterModule } from './smartmeter/module.js';

export const DATASET_MODULES: readonly DatasetModule<unknown>[] = [
  eco2mixModule,
  smartmeterModule,
  enedisModule,
  cityflowTrafficModule,
  cityflowWeatherModule,
  cityflowVelibModule,
  cityflowRoadworksModule,
];

/** The registered datasets' names, in registry order. */
export const DATASET_NAMES: readonly string[] = DATASET_MODULES.map((module) => module.name);
