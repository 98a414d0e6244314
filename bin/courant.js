#!/usr/bin/env node
// The `courant` command: the build in dist/cli when it is the build of the sources as they are (npm
// install and scripts/setup.sh make it, `npm run build` too), else the TypeScript sources through
// tsx's loader — slower to start, never older than the sources.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUILT_CLI_ENTRY, builtCliIsCurrent } from './built-cli.js';

// On Node 20, which courant still runs on, the AWS SDK warns that its future releases need Node 22:
// the lockfile pins the SDK, so the notice is not addressed to courant's users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
/**
 * The commands that run workflows and activities: the stack traces of their errors (in the logs and
 * the Web UI) name the `.ts` files, through the build's source maps. The other commands start
 * without them: with source maps on, Node reads the map of every module it loads, the npm packages'
 * too (40 ms of `courant backfill`'s start); NODE_OPTIONS=--enable-source-maps turns them on.
 */
const SOURCE_MAPPED = new Set(['dev', 'worker', 'serve', 'demo']);
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
let main;
if (builtCliIsCurrent(root)) {
  if (SOURCE_MAPPED.has(process.argv[2] ?? '')) process.setSourceMapsEnabled(true);
  ({ main } = await import(pathToFileURL(path.join(root, BUILT_CLI_ENTRY)).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
const code = await main(process.argv);
// The command's work is done, and what it opened closed, when main returns: a timer a library still
// holds (gRPC's reconnection backoff for a Temporal connection given up when the command failed
// meanwhile) must not keep the shell waiting. The output is flushed first.
await Promise.all(
  [process.stdout, process.stderr].map((stream) => new Promise((flushed) => stream.write('', flushed))),
);
process.exit(code);
