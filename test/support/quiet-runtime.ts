/** Tests log the Temporal SDK at ERROR level only (failed workflows that tests cause on purpose log at WARN), so failures stand out. */
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger(process.env.COURANT_TEST_SDK_LOG === 'debug' ? 'WARN' : 'ERROR') });
