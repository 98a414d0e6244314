/**
 * `npm run build` (also run by `npm install` and scripts/setup.sh): builds the `courant` command
 * into dist/cli, which bin/courant.js runs while it is the build of the sources as they are.
 */
import { PROJECT_ROOT } from '../src/stack/tools.js';
import { BUILT_CLI_DIR } from '../bin/built-cli.js';
import { buildCli } from './cli-bundle.js';

const { inputs, bytes } = await buildCli(PROJECT_ROOT);
console.log(`courant command built: ${inputs} files -> ${BUILT_CLI_DIR} (${(bytes / 1024).toFixed(0)} KiB)`);
