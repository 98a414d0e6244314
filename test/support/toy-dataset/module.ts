/**
 * A throw-away dataset that lives only in the test suite: one CSV of `ts,value` per day fetched
 * over HTTP, and the same CSV dropped as files. It proves that a dataset of its own folder needs
 * nothing else of courant: the tests register it in a worker's catalog and run its days.
 */
import { dropFiles } from '../../../src/datasets/capabilities/drop.js';
import type { DatasetModule } from '../../../src/datasets/modules.js';
import { toyDropHandler } from './drop.js';
import { valuesDataset } from './values.js';

/** Fetches `{TOY_BASE_URL}/values/{date}.csv` after the day. */
export const toyDataset = valuesDataset('toy', (date, config) => [
  { kind: 'http', source: 'values', url: `${config.baseUrl.replace(/\/+$/, '')}/values/${date}.csv`, extension: 'csv' },
]);

export const toy = {
  dataset: toyDataset,
  capabilities: [dropFiles(toyDataset, toyDropHandler)],
} satisfies DatasetModule;
