/**
 * What a pickup that finds nothing new costs the worker when many deliveries were fetched before:
 * a real sshd (internal-sftp) whose folder lists `--listed` deliveries, a document store of its own
 * (FerretDB) holding `--recorded` `sftp_files` records (the listed ones among them, as fetched), and
 * the pickup activity (`pickUpSftp`) run in this process with the worker's own clients, in a mock
 * activity context. The CPU of a pickup is this process's (`process.cpuUsage`, user + system) over
 * the call: the SSH handshake, the listing, the records of the names listed, the faults, the inbox
 * listing. Beside it, for scale, one read of every record of the dataset (`listSftpFiles`), what a
 * pickup read before it looked names up by key. Prints the medians; bench/RESULTS.md keeps the line.
 *
 *   node --import tsx bench/sftp/idle-pickup.ts [--recorded N] [--listed N] [--runs N]
 */
import { utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pLimit from 'p-limit';
import type { InboxFile } from '../../src/activities/drops.js';
import { createSftpActivities } from '../../src/activities/sftp-pickup.js';
import { loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { openWorkerResources } from '../../src/workers/resources.js';
import { keyEnvOf, TEST_DELIVERY_KEY } from '../../test/support/enedis-deliveries.js';
import { startSftpServer } from '../../test/support/sftp-server.js';
import { withDocumentStore } from '../lib/servers.js';
import { max, median } from '../lib/stats.js';

const { values } = parseArgs({
  options: { recorded: { type: 'string' }, listed: { type: 'string' }, runs: { type: 'string' } },
});
const RECORDED = Number(values.recorded ?? 20_000);
const LISTED = Number(values.listed ?? 20);
const RUNS = Number(values.runs ?? 20);
/** Pickups run first and not counted: the first connection's module loading and JIT. */
const WARM_UPS = 5;

/** CPU milliseconds of this process while `work` runs. */
async function cpuMsOf(work: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

const name = (i: number) => `ENEDIS_R151_idle_${String(i).padStart(6, '0')}_20250102030405.zip`;
const mtime = new Date('2025-01-02T03:04:05Z');

await withDocumentStore('courant-bench-idle-pickup-', async ({ mongoBase, dir }) => {
  const sftp = await startSftpServer();
  try {
    const config = loadConfig(
      {
        MONGODB_URL: `${mongoBase}/idle_pickup`,
        DATA_DIR: path.join(dir, 'data'),
        STORAGE_MODE: 'local',
        ...keyEnvOf(TEST_DELIVERY_KEY),
        ...sftp.enedisEnv(),
      },
      DATASET_MODULES,
    );
    const resources = await openWorkerResources(config);
    try {
      const bytes = new TextEncoder().encode('x'.repeat(1024));
      for (let i = 0; i < LISTED; i++) {
        const file = path.join(sftp.remoteDir, name(i));
        await writeFile(file, bytes);
        await utimes(file, mtime, mtime);
      }
      const limit = pLimit(32);
      await Promise.all(
        Array.from({ length: RECORDED }, (_, i) =>
          limit(() =>
            resources.deps.records.putSftpFile({
              dataset: 'enedis',
              name: name(i),
              size: bytes.length,
              mtime: mtime.toISOString(),
              fetchedAt: new Date().toISOString(),
              inboxKey: `inbox/enedis/${'0'.repeat(16)}-${name(i)}`,
              sha256: '0'.repeat(64),
            }),
          ),
        ),
      );
      // Nothing waits in the inbox: the pickup has no batch to ask the Temporal server about (its connection is lazy).
      const { pickUpSftp } = createSftpActivities(resources.deps, new Client().workflow);
      const logger = new DefaultLogger('WARN');
      const pickUp = async () => {
        const fetched = await new MockActivityEnvironment(undefined, { logger }).run<
          [{ dataset: 'enedis' }],
          InboxFile[],
          typeof pickUpSftp
        >(pickUpSftp, { dataset: 'enedis' });
        if (fetched.length > 0) throw new Error(`the pickup fetched ${fetched.length} files: nothing should be new`);
      };
      for (let i = 0; i < WARM_UPS; i++) await pickUp();
      const pickups: number[] = [];
      for (let i = 0; i < RUNS; i++) pickups.push(await cpuMsOf(pickUp));
      const fullReads: number[] = [];
      for (let i = 0; i < 5; i++) fullReads.push(await cpuMsOf(() => resources.deps.records.listSftpFiles('enedis')));
      console.log(
        `A pickup that finds nothing new, ${LISTED} files listed among ${RECORDED} recorded deliveries: ` +
          `median ${median(pickups).toFixed(1)} worker CPU-ms, at most ${max(pickups).toFixed(1)} over ${RUNS} pickups; ` +
          `one read of every record of the dataset (before: each pickup's): median ${median(fullReads).toFixed(0)} CPU-ms.`,
      );
    } finally {
      await resources.close();
    }
  } finally {
    await sftp.stop();
  }
});
