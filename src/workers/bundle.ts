/** How the workflow code is bundled: the same options for the worker and for `npm run check:bundle`. */
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKFLOWS_ENTRY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'workflows',
  'index.ts',
);

type WebpackConfig = Parameters<NonNullable<Parameters<typeof bundleWorkflowCode>[0]['webpackConfigHook']>>[0];

/** Source imports end in `.js` (NodeNext); the files are `.ts`. */
function resolveTsExtensions(config: WebpackConfig): WebpackConfig {
  return { ...config, resolve: { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } } };
}

export interface BundleOptions {
  /** Workflow interceptor modules to bundle with the workflows (tracing's, when it is on). */
  readonly interceptorModules?: readonly string[];
}

/**
 * Bundles the workflows of `entry` (courant's own by default) for the sandbox, with the given
 * workflow interceptor modules: a worker given a bundle runs only the interceptors bundled in it.
 */
export async function bundleWorkflows(
  entry: string = WORKFLOWS_ENTRY,
  options: BundleOptions = {},
): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: entry,
    workflowInterceptorModules: [...(options.interceptorModules ?? [])],
    webpackConfigHook: resolveTsExtensions,
    logger: new DefaultLogger('WARN'),
  });
}
