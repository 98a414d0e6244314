/** The `courant worker` processes tests start run the suite's prebuilt workflow bundles. */
import { inject } from 'vitest';

/**
 * WORKFLOW_BUNDLE_DIR for a `courant worker` a test starts: the bundles the servers tier built
 * once (test/support/global-setup.ts), as the container image runs them, so that no worker bundles
 * again at its start. Bundling at a worker's start stays covered by the demo's test.
 */
export function prebuiltBundleEnv(): { WORKFLOW_BUNDLE_DIR: string } {
  return { WORKFLOW_BUNDLE_DIR: inject('workflowBundleDir') };
}
