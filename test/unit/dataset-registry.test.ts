/**
 * The registry and the catalog over dataset folders: a dataset's capabilities are found through
 * the catalog from its folder's module alone (test/support/toy-dataset), and the modules are
 * checked at start — a capability keyed to another dataset, or a table read of a dataset that is
 * not registered or does not declare it, is refused with both datasets named.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createCatalog } from '../../src/datasets/catalog.js';
import { dropFiles } from '../../src/datasets/capabilities/drop.js';
import { statusNotes } from '../../src/datasets/capabilities/status-notes.js';
import { tableOf, type AnyDataset, type TableRef } from '../../src/datasets/contract.js';
import type { DatasetModule } from '../../src/datasets/modules.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { DatasetRegistryError } from '../../src/datasets/registry-check.js';
import { toy, toyDataset } from '../support/toy-dataset/module.js';
import { toyDrop, toyDropDataset } from '../support/toy-drop-dataset/module.js';
import { toyDropHandler } from '../support/toy-dataset/drop.js';

const CONFIG = { baseUrl: 'http://127.0.0.1:9/' };

/** A dataset whose day report reads `ref` beside its own tables. */
function reading(ref: TableRef): DatasetModule {
  const dataset: AnyDataset = {
    ...toyDataset,
    name: 'reader',
    report: { ...toyDataset.report, alongside: [ref] },
  };
  return { dataset, capabilities: [] };
}

function registryError(modules: readonly DatasetModule[]): DatasetRegistryError {
  try {
    createCatalog(modules, {});
  } catch (error) {
    if (error instanceof DatasetRegistryError) return error;
    throw error;
  }
  throw new Error('the catalog was created');
}

describe('a catalog built from the toy folder alone', () => {
  it("exposes the capability the folder's module lists, and no other", () => {
    const catalog = createCatalog([toy], { toy: CONFIG });
    const drop = catalog.capability('drop', 'toy');
    expect(drop?.dataset).toBe('toy');
    expect(drop?.options.safeParse({ fileName: 'a.csv' }).success).toBe(true);
    expect(catalog.withCapability('drop').map(({ module, config }) => [module.name, config])).toEqual([
      ['toy', CONFIG],
    ]);
    expect(catalog.capability('status-notes', 'toy')).toBeUndefined();
    expect(catalog.capability('drop', 'eco2mix')).toBeUndefined();
  });

  it('finds a capability added to the folder without anything else of courant changing', () => {
    const notes = statusNotes(toyDataset, (days) => days.map((d) => ({ date: d.date, note: 'a toy note' })));
    const withNotes = { dataset: toyDataset, capabilities: [...toy.capabilities, notes] } satisfies DatasetModule;
    const catalog = createCatalog([...DATASET_MODULES, withNotes], { toy: CONFIG });
    const found = catalog.withCapability('status-notes').find((d) => d.module.name === 'toy');
    expect(found?.capability.notes([{ date: '2024-03-31', metrics: {} }])).toEqual([
      { date: '2024-03-31', note: 'a toy note' },
    ]);
    expect(catalog.capability('drop', 'toy')?.dataset).toBe('toy');
  });

  it('takes the configuration of the folder alone from the environment', () => {
    expect(loadConfig({ TOY_BASE_URL: 'http://toy.test/' }, [toy]).datasets).toEqual({
      toy: { baseUrl: 'http://toy.test/' },
    });
  });
});

describe('the registry check', () => {
  it('passes the registered datasets, whose table references all resolve', () => {
    expect(() => createCatalog(DATASET_MODULES, {})).not.toThrow();
  });

  it('refuses a table reference to a dataset that is not registered, naming both datasets', () => {
    const error = registryError([reading(tableOf(toyDataset, 'toy_values'))]);
    expect(error.problems).toEqual(['dataset "reader" reads table "toy_values" of "toy", which is not registered']);
  });

  it('refuses a table the referenced dataset does not declare, naming both and the tables it has', () => {
    const error = registryError([toy, reading({ dataset: 'toy', table: 'toy_valuez' })]);
    expect(error.problems).toEqual([
      'dataset "reader" reads table "toy_valuez" of "toy", which declares only toy_values',
    ]);
  });

  it('refuses a capability made for another dataset, and a dataset registered twice', () => {
    const misplaced = { dataset: toyDropDataset, capabilities: [dropFiles(toyDataset, toyDropHandler)] };
    expect(registryError([misplaced, toyDrop]).problems).toEqual([
      'dataset "toydrop" lists a drop capability made for "toy"',
      'dataset "toydrop" is registered twice',
    ]);
  });

  it('types a table reference: a table the dataset does not declare fails type check', () => {
    // @ts-expect-error -- the toy dataset declares `toy_values` only.
    const wrong = tableOf(toyDataset, 'toy_valuez');
    expect(wrong).toEqual({ dataset: 'toy', table: 'toy_valuez' });
    expect(tableOf(toyDataset, 'toy_values')).toEqual({ dataset: 'toy', table: 'toy_values' });
  });
});
