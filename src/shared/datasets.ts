/** The datasets courant knows and the sources each downloads. Workflows validate names against it. */
export const DATASETS = ['eco2mix'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** Source names per dataset: one raw file each, one download activity each. */
export const DATASET_SOURCES: Readonly<Record<DatasetName, readonly string[]>> = {
  eco2mix: ['realtime', 'consolidated'],
};

export function isDatasetName(value: string): value is DatasetName {
  return (DATASETS as readonly string[]).includes(value);
}
