// The thread that reads flow files (`flow-thread.ts`): it loads courant's TypeScript sources
// through tsx, as `bin/courant.js` does for the process.
import { register } from 'tsx/esm/api';

register();
const { readFlowsInThread } = await import('./flow-thread.ts');

export default readFlowsInThread;
