/** Tests log the Temporal SDK at WARN and above only, so failures stand out. */
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
