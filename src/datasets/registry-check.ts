/**
 * Checks the registered modules at start (the catalog's creation): one module per name,
 * capabilities keyed to their own module, and every table a dataset references in another one
 * registered and declared by it.
 */
import type { DatasetModule } from './modules.js';

/** The registered modules do not fit together: a fault of the code, named in `problems`. */
export class DatasetRegistryError extends Error {
  override readonly name = 'DatasetRegistryError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid dataset registry:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Every problem of `modules`, each naming the datasets involved; empty when they fit together. */
export function registryProblems(modules: readonly DatasetModule[]): string[] {
  const problems: string[] = [];
  const byName = new Map<string, DatasetModule>();
  for (const module of modules) {
    const { name } = module.dataset;
    if (byName.has(name)) problems.push(`dataset "${name}" is registered twice`);
    byName.set(name, module);
    const kinds = new Set<string>();
    for (const capability of module.capabilities) {
      if (capability.dataset !== name)
        problems.push(`dataset "${name}" lists a ${capability.kind} capability made for "${capability.dataset}"`);
      if (kinds.has(capability.kind)) problems.push(`dataset "${name}" lists the ${capability.kind} capability twice`);
      kinds.add(capability.kind);
    }
  }
  for (const { dataset } of modules) {
    for (const ref of dataset.report.alongside ?? []) {
      const target = byName.get(ref.dataset)?.dataset;
      if (!target)
        problems.push(
          `dataset "${dataset.name}" reads table "${ref.table}" of "${ref.dataset}", which is not registered`,
        );
      else if (!target.tables.includes(ref.table))
        problems.push(
          `dataset "${dataset.name}" reads table "${ref.table}" of "${ref.dataset}", which declares only ${target.tables.join(', ')}`,
        );
    }
  }
  return problems;
}

/** Throws DatasetRegistryError naming every problem of `modules`. */
export function checkRegistry(modules: readonly DatasetModule[]): void {
  const problems = registryProblems(modules);
  if (problems.length > 0) throw new DatasetRegistryError(problems);
}
