/** What a dataset folder exports, and the catalog of datasets a worker runs with their configuration. */
import type { AnyDataset } from './contract.js';
import type { Capability, CapabilityKind, CapabilityOf } from './capabilities/index.js';

/** What `src/datasets/<name>/module.ts` exports: the dataset's definition and its capabilities. */
export interface DatasetModule {
  readonly dataset: AnyDataset;
  readonly capabilities: readonly Capability[];
}

/** A registered dataset with its parsed configuration: what activities and reports are given. */
export interface ConfiguredDataset {
  /** The dataset's definition. */
  readonly module: AnyDataset;
  readonly config: unknown;
}

/** A dataset that has a capability, with its configuration. */
export type ConfiguredWith<K extends CapabilityKind> = ConfiguredDataset & { readonly capability: CapabilityOf<K> };

/** The datasets a worker runs, injected into activities and reports (tests add their own). */
export interface DatasetCatalog {
  /** In registry order. */
  readonly all: readonly ConfiguredDataset[];
  /** Throws UnknownDatasetError when no dataset has this name. */
  get(name: string): ConfiguredDataset;
  /** The capability `kind` of dataset `name`; undefined when it has none (or is not registered). */
  capability<K extends CapabilityKind>(kind: K, name: string): CapabilityOf<K> | undefined;
  /** The datasets that have capability `kind`, in registry order. */
  withCapability<K extends CapabilityKind>(kind: K): readonly ConfiguredWith<K>[];
  /** The datasets' names, in registry order. */
  readonly names: readonly string[];
  /**
   * Hours after the end of a Paris day that dataset `name`'s data is due, under its configuration;
   * null when its days are never late.
   */
  dueHours(name: string): number | null;
  /**
   * The datasets a range starting on `from` shows when none is named: those that run daily, and any
   * with a record in the range (`recorded`), in registry order.
   */
  shown(from: string, recorded: readonly string[]): string[];
}

/** The capability of kind `kind` among `capabilities`, if there is one. */
export function findCapability<K extends CapabilityKind>(
  capabilities: readonly Capability[],
  kind: K,
): CapabilityOf<K> | undefined {
  return capabilities.find((c): c is CapabilityOf<K> => c.kind === kind);
}

/** The modules among `modules` that have capability `kind`, each with it. */
export function modulesWith<K extends CapabilityKind>(
  modules: readonly DatasetModule[],
  kind: K,
): ReadonlyArray<{ readonly dataset: AnyDataset; readonly capability: CapabilityOf<K> }> {
  return modules.flatMap(({ dataset, capabilities }) => {
    const capability = findCapability(capabilities, kind);
    return capability ? [{ dataset, capability }] : [];
  });
}
