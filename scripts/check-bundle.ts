/** Bundles the workflows as the worker does: fails on any import the sandbox cannot load. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflows } from '../src/workers/bundle.js';
import { PROJECT_ROOT } from '../src/stack/tools.js';

const bundle = await bundleWorkflows();
const target = path.join(PROJECT_ROOT, 'dist', 'workflow-bundle.js');
await mkdir(path.dirname(target), { recursive: true });
await writeFile(target, bundle.code);
console.log(
  `workflow bundle ok: ${(bundle.code.length / 1024).toFixed(0)} KiB -> ${path.relative(PROJECT_ROOT, target)}`,
);
