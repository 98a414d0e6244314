/** The module of a dataset named in an activity's input, or a non-retryable failure naming the known ones. */
import { ApplicationFailure } from '@temporalio/common';
import { UnknownDatasetError } from '../datasets/catalog.js';
import type { ConfiguredDataset, DatasetCatalog } from '../datasets/modules.js';
import { ErrorType } from '../workflow-safe/errors.js';

export function datasetOf(catalog: DatasetCatalog, name: string): ConfiguredDataset {
  try {
    return catalog.get(name);
  } catch (error) {
    if (!(error instanceof UnknownDatasetError)) throw error;
    throw ApplicationFailure.create({
      type: ErrorType.UnknownDataset,
      nonRetryable: true,
      message: `${error.message}: this worker does not run it`,
      cause: error,
    });
  }
}
