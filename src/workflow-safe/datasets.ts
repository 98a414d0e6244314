/**
 * Dataset names as workflows and keys see them. The registry (src/datasets/registry.ts) holds the
 * modules; workflows cannot import it, so they check only the form of a name, and the activities
 * refuse a name no module has (UnknownDataset, non-retryable).
 */
export type DatasetName = string;

const DATASET_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** Lower case letters, digits, `_` and `-`, starting with a letter, at most 32 characters. */
export function isDatasetName(value: string): boolean {
  return DATASET_NAME.test(value);
}
