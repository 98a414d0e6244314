/** The catalog of datasets a worker runs: registered modules with their configuration, by name. */
import { ErrorType } from '../shared/errors.js';
import type { ConfiguredDataset, DatasetCatalog, DatasetModule } from './contract.js';
import { DATASET_MODULES } from './registry.js';

/** No module has this name: retrying cannot help. */
export class UnknownDatasetError extends Error {
  override readonly name = 'UnknownDatasetError';
  readonly type = ErrorType.UnknownDataset;
  constructor(
    readonly dataset: string,
    known: readonly string[],
  ) {
    super(`unknown dataset "${dataset}" (known: ${known.join(', ')})`);
  }
}

/** Pairs each module with its configuration (by module name); modules without one get `undefined`. */
export function createCatalog(
  modules: readonly DatasetModule<unknown>[],
  configs: Readonly<Record<string, unknown>>,
): DatasetCatalog {
  const all: ConfiguredDataset[] = modules.map((module) => ({ module, config: configs[module.name] }));
  const byName = new Map(all.map((entry) => [entry.module.name, entry]));
  return {
    all,
    get(name) {
      const entry = byName.get(name);
      if (!entry) throw new UnknownDatasetError(name, [...byName.keys()]);
      return entry;
    },
  };
}

/** The registered modules with the configuration `loadConfig` parsed for them (`config.datasets`). */
export function registeredCatalog(configs: Readonly<Record<string, unknown>>): DatasetCatalog {
  return createCatalog(DATASET_MODULES, configs);
}

/**
 * Datasets the daily schedule runs: every dataset with an input that is not a dropped file, unless
 * its module says it is not run daily under its configuration (`runsDaily`).
 */
export function dailyDatasetNames(catalog: DatasetCatalog, date: string): string[] {
  return catalog.all
    .filter(({ module, config }) => module.runsDaily?.(config) ?? true)
    .filter(({ module, config }) => module.inputs(date, config).some((input) => input.kind !== 'drop'))
    .map(({ module }) => module.name);
}
