/** The pipeline of each dataset, by name. */
import type { DatasetName } from '../shared/datasets.js';
import { eco2mixPipeline } from './eco2mix/pipeline.js';
import type { DatasetPipeline } from './pipeline.js';

const PIPELINES: Readonly<Record<DatasetName, DatasetPipeline<object>>> = {
  eco2mix: eco2mixPipeline,
};

export function pipelineFor(dataset: DatasetName): DatasetPipeline<object> {
  return PIPELINES[dataset];
}
