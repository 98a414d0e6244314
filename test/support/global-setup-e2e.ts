/** The end-to-end tier runs workers and the built `courant` command on Temporal and the document store (local mode). */
import { testServers } from './global-setup.js';

export default testServers(['temporal', 'documentStore', 'workflowBundle', 'builtCli']);
