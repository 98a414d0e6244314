/**
 * The workflow code a worker runs: bundled with webpack at start (the default, always the code on
 * disk), or, with WORKFLOW_BUNDLE_DIR, the bundle built once ahead (`npm run build:bundle`, as the
 * container image does), so that the worker starts without webpack. The directory holds one
 * bundle without and one with tracing's workflow interceptors; the worker takes the one that
 * matches whether tracing is on.
 */
import type { WorkflowBundleOption } from '@temporalio/worker';
import { constants } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../config/load.js';
import { tracingWorkflowModules } from '../observability/tracing.js';
import { bundleWorkflows } from './bundle.js';

export const BUNDLE_FILES = { plain: 'workflow-bundle.js', tracing: 'workflow-bundle-tracing.js' } as const;

/** Writes both bundles to `dir`; returns their paths and sizes. */
export async function buildWorkflowBundles(dir: string): Promise<Array<{ file: string; bytes: number }>> {
  await mkdir(dir, { recursive: true });
  const built = [
    { file: path.join(dir, BUNDLE_FILES.plain), code: (await bundleWorkflows()).code },
    {
      file: path.join(dir, BUNDLE_FILES.tracing),
      code: (await bundleWorkflows(undefined, { interceptorModules: tracingWorkflowModules() })).code,
    },
  ];
  for (const { file, code } of built) await writeFile(file, code);
  return built.map(({ file, code }) => ({ file, bytes: Buffer.byteLength(code) }));
}

/**
 * The bundle option for a worker: `{ codePath }` of the prebuilt bundle in `dir` when given (a
 * ConfigError naming WORKFLOW_BUNDLE_DIR when it is missing), else the workflows bundled now.
 */
export async function workflowBundleFor(
  dir: string | null,
  tracing: { readonly workflowModules: readonly string[] } | null,
): Promise<WorkflowBundleOption> {
  if (dir === null) return bundleWorkflows(undefined, { interceptorModules: tracing?.workflowModules ?? [] });
  const codePath = path.join(dir, tracing ? BUNDLE_FILES.tracing : BUNDLE_FILES.plain);
  try {
    await access(codePath, constants.R_OK);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new ConfigError([
      code === 'ENOENT'
        ? `WORKFLOW_BUNDLE_DIR: no ${path.basename(codePath)} in ${dir}; build it with \`npm run build:bundle\` or unset WORKFLOW_BUNDLE_DIR`
        : `WORKFLOW_BUNDLE_DIR: cannot read ${codePath} (${code})`,
    ]);
  }
  return { codePath };
}
