/** The workflow bundle's entry point: every workflow the worker registers. */
export { dailyPipeline } from './daily-pipeline.js';
export { datasetDay } from './dataset-day.js';
