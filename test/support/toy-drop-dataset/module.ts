/** A throw-away dataset fed only by files dropped in `inbox/toydrop/`: the toy values, by drop. */
import { dropFiles } from '../../../src/datasets/capabilities/drop.js';
import type { DatasetModule } from '../../../src/datasets/modules.js';
import { toyDropHandler } from '../toy-dataset/drop.js';
import { valuesDataset } from '../toy-dataset/values.js';

export const toyDropDataset = valuesDataset('toydrop', () => [{ kind: 'drop' }]);

export const toyDrop = {
  dataset: toyDropDataset,
  capabilities: [dropFiles(toyDropDataset, toyDropHandler)],
} satisfies DatasetModule;
