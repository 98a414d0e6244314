/**
 * Bundles the workflows as the worker does, without and with tracing's workflow interceptors, and
 * writes both to dist/ (what WORKFLOW_BUNDLE_DIR points a worker at): fails on any import the
 * sandbox cannot load.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../src/stack/tools.js';
import { buildWorkflowBundles } from '../src/workers/prebuilt-bundle.js';

for (const { file, bytes } of await buildWorkflowBundles(path.join(PROJECT_ROOT, 'dist'))) {
  console.log(`workflow bundle ok: ${(bytes / 1024).toFixed(0)} KiB -> ${path.relative(PROJECT_ROOT, file)}`);
}
