/**
 * What an SFTP bench runs on: a real sshd (internal-sftp), a Temporal dev server and a document
 * store on loopback, and one `courant worker` process configured for them, with the Enedis
 * delivery key; stopped together.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { keyEnvOf, TEST_DELIVERY_KEY } from '../../test/support/enedis-deliveries.js';
import { startSftpServer, type SftpTestServer } from '../../test/support/sftp-server.js';
import { startWorkerProcess, type WorkerProcess } from '../../test/support/worker-process.js';
import { installChildCleanup } from './child.js';
import { startBenchServers, type BenchServers } from './servers.js';

export interface SftpBenchStack {
  readonly dir: string;
  readonly servers: BenchServers;
  readonly sftp: SftpTestServer;
  /** The worker's environment, for command lines of the same deployment. */
  readonly env: Readonly<Record<string, string>>;
  readonly worker: WorkerProcess;
  readonly stop: () => Promise<void>;
}

export async function startSftpBenchStack(name: string): Promise<SftpBenchStack> {
  installChildCleanup();
  const dir = await mkdtemp(path.join(os.tmpdir(), `courant-bench-${name}-`));
  const servers = await startBenchServers(path.join(dir, 'servers'), dir);
  const sftp = await startSftpServer();
  const env = {
    TEMPORAL_ADDRESS: servers.temporalAddress,
    TEMPORAL_TASK_QUEUE: 'courant',
    MONGODB_URL: `${servers.mongoBase}/${name.replaceAll('-', '_')}`,
    DATA_DIR: path.join(dir, 'data'),
    STORAGE_MODE: 'local',
    ...keyEnvOf(TEST_DELIVERY_KEY),
    ...sftp.enedisEnv(),
  };
  const worker = startWorkerProcess(env);
  return {
    dir,
    servers,
    sftp,
    env,
    worker,
    stop: async () => {
      await worker.kill('SIGTERM');
      await sftp.stop();
      await servers.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
