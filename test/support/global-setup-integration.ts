/** The integration tier runs on every real server and on the workflow bundle. */
import { testServers } from './global-setup.js';

export default testServers(['temporal', 'documentStore', 'minio', 'dynamodb', 'workflowBundle']);
