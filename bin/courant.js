#!/usr/bin/env node
// The `courant` command: runs the TypeScript sources through tsx's loader, so no build step is needed.
import { register } from 'tsx/esm/api';

// courant runs on Node 20 with the AWS SDK versions its lockfile pins: the SDK's notice about
// its future releases needing Node 22 is not addressed to courant's users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
