/** CLI outcomes with their exit status (docs/operations.md#exit-status): 1 the pipeline failed, 2 bad usage. */

export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

export class PipelineFailedError extends Error {
  override readonly name = 'PipelineFailedError';
  readonly exitCode = 1;
}
