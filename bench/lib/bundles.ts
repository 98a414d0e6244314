/**
 * The workflow bundles the benches' workers run (WORKFLOW_BUNDLE_DIR, as the container image runs
 * them), built once per process: a run of several benches bundles once, not once per bench. With
 * WORKFLOW_BUNDLE_DIR set, the benches run the bundles built there ahead (`npm run build:bundle`, as
 * the suite's checks do just before its smoke bench).
 */
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildWorkflowBundles } from '../../src/workers/prebuilt-bundle.js';

let built: Promise<string> | undefined;

/** The folder holding both bundles: WORKFLOW_BUNDLE_DIR, or built on the first call and removed when the process exits. */
export function benchWorkflowBundles(): Promise<string> {
  const ahead = process.env.WORKFLOW_BUNDLE_DIR;
  if (ahead) return Promise.resolve(path.resolve(ahead));
  built ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-bundles-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    await buildWorkflowBundles(dir);
    return dir;
  })();
  return built;
}
