/** The integration tier runs on every real server, on the workflow bundle and on the built command. */
import { testServers } from './global-setup.js';

export default testServers(['temporal', 'documentStore', 'minio', 'dynamodb', 'workflowBundle', 'builtCli']);
