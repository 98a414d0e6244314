/**
 * A floor variant (workflow interceptors bundled with courant's workflows): no search-attribute
 * upsert reaches the server — what a day's `PipelineStage` moves cost Temporal.
 */
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

/**
 * Loaded by its name by the floor bench's worker, as `interceptorModules` of its bundle.
 * @public
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  internals: [
    {
      concludeActivation(input, next) {
        return next({ commands: input.commands.filter((command) => !command.upsertWorkflowSearchAttributes) });
      },
    },
  ],
});
