/** The catalog of datasets a worker runs: registered modules with their configuration, by name. */
import { ErrorType } from '../workflow-safe/errors.js';
import type { ConfiguredDataset, ConfiguredWith, DatasetCatalog, DatasetModule } from './modules.js';
import { findCapability } from './modules.js';
import { checkRegistry } from './registry-check.js';
import { DATASET_MODULES } from './registry.js';

/** No dataset has this name: retrying cannot help. */
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

/**
 * Pairs each module's dataset with its configuration (by dataset name; none: `undefined`), after
 * checking the modules fit together (DatasetRegistryError otherwise).
 */
export function createCatalog(
  modules: readonly DatasetModule[],
  configs: Readonly<Record<string, unknown>>,
): DatasetCatalog {
  checkRegistry(modules);
  const all: ConfiguredDataset[] = modules.map(({ dataset }) => ({ module: dataset, config: configs[dataset.name] }));
  const byName = new Map(all.map((entry) => [entry.module.name, entry]));
  const capabilities = new Map(modules.map((m) => [m.dataset.name, m.capabilities]));
  const get = (name: string): ConfiguredDataset => {
    const entry = byName.get(name);
    if (!entry) throw new UnknownDatasetError(name, [...byName.keys()]);
    return entry;
  };
  const catalog: DatasetCatalog = {
    all,
    get,
    names: all.map(({ module }) => module.name),
    capability: (kind, name) => findCapability(capabilities.get(name) ?? [], kind),
    withCapability(kind) {
      return all.flatMap((entry): ConfiguredWith<typeof kind>[] => {
        const capability = findCapability(capabilities.get(entry.module.name) ?? [], kind);
        return capability ? [{ ...entry, capability }] : [];
      });
    },
    dueHours(name) {
      const { module, config } = get(name);
      return module.dueHours?.(config) ?? null;
    },
    shown(from, recorded) {
      const daily = dailyDatasetNames(catalog, from);
      return catalog.names.filter((name) => daily.includes(name) || recorded.includes(name));
    },
  };
  return catalog;
}

/** The registered modules with the configuration `loadConfig` parsed for them (`config.datasets`). */
export function registeredCatalog(configs: Readonly<Record<string, unknown>>): DatasetCatalog {
  return createCatalog(DATASET_MODULES, configs);
}

/**
 * Datasets the daily schedule runs: every dataset with an input that is not a dropped file, unless
 * its definition says it is not run daily under its configuration (`runsDaily`).
 */
export function dailyDatasetNames(catalog: DatasetCatalog, date: string): string[] {
  return catalog.all
    .filter(({ module, config }) => module.runsDaily?.(config) ?? true)
    .filter(({ module, config }) => module.inputs(date, config).some((input) => input.kind !== 'drop'))
    .map(({ module }) => module.name);
}
