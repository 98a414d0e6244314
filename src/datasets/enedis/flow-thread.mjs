// The thread that reads flow files for `flow-thread.ts` (its body: `flow-thread-body.ts`): it loads
// courant's TypeScript sources through tsx, as `bin/courant.js` does for the process.
import { register } from 'tsx/esm/api';

register();
const { readFlowsInThread } = await import('./flow-thread-body.ts');

/**
 * What each of the pool's threads runs: Piscina loads it as this file's default export.
 * @public
 */
export default readFlowsInThread;
