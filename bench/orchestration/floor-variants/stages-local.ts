/**
 * A floor variant (workflow interceptors bundled with courant's workflows): the transform, metrics
 * and quality steps run as local activities inside the workflow task, with the day report's local
 * options — what a day would cost Temporal if its steps were not activity tasks of their own.
 */
import { proxyLocalActivities, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { localActivityOptions } from '../../../src/workflows/activity-options.js';

const IN_TASK = new Set(['transformDay', 'computeMetrics', 'checkQuality']);
const local = proxyLocalActivities<Record<string, (...args: unknown[]) => Promise<unknown>>>(
  localActivityOptions('dayReportInTask'),
);

/**
 * Loaded by its name by the floor bench's worker, as `interceptorModules` of its bundle.
 * @public
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      scheduleActivity(input, next) {
        const step = IN_TASK.has(input.activityType) ? local[input.activityType] : undefined;
        return step ? step(...input.args) : next(input);
      },
    },
  ],
});
