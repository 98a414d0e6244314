/** The datasets courant runs, in the order reports show them: the one line a new dataset adds is here. */
import { cityflowRoadworks } from './cityflow-roadworks/module.js';
import { cityflowTraffic } from './cityflow-traffic/module.js';
import { cityflowVelib } from './cityflow-velib/module.js';
import { cityflowWeather } from './cityflow-weather/module.js';
import { eco2mix } from './eco2mix/module.js';
import { enedis } from './enedis/module.js';
import type { DatasetModule } from './modules.js';
import { smartmeter } from './smartmeter/module.js';

export const DATASET_MODULES: readonly DatasetModule[] = [
  eco2mix,
  smartmeter,
  enedis,
  cityflowTraffic,
  cityflowWeather,
  cityflowVelib,
  cityflowRoadworks,
];

/** The registered datasets' names, in registry order. */
export const DATASET_NAMES: readonly string[] = DATASET_MODULES.map((module) => module.dataset.name);
