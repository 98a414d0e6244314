/**
 * Measures the S3 cache's hit path against plain S3 reads of the same object, on a MinIO started
 * for the purpose (loopback, temporary directory, removed at the end):
 *   npx tsx scripts/measure-s3-cache.ts [runs]
 * For each size: a plain S3 GET of the whole object, the first read through the cache (GET +
 * write into the cache + read back), and a cached read (conditional GET answered 304 + local
 * read with SHA-256 check). Medians of `runs` reads (default 30), in milliseconds.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../src/stack/ports.js';
import { startMinio } from '../src/stack/servers.js';
import { resolveTool } from '../src/stack/tools.js';
import { createS3Client } from '../src/storage/aws-clients.js';
import { CachedObjectStore } from '../src/storage/cached-object-store.js';
import { ObjectCache } from '../src/storage/object-cache.js';
import { S3ObjectStore } from '../src/storage/s3-object-store.js';

const runs = Number(process.argv[2] ?? 30);
const SIZES = [64 * 1024, 1024 * 1024, 8 * 1024 * 1024, 32 * 1024 * 1024];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function time(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-measure-'));
const port = await freePort();
process.env.AWS_ACCESS_KEY_ID = `measure${randomBytes(4).toString('hex')}`;
process.env.AWS_SECRET_ACCESS_KEY = randomBytes(18).toString('base64url');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const minio = await startMinio({
  binary: resolveTool('minio'),
  host: '127.0.0.1',
  port,
  dataDir: path.join(dir, 'minio'),
  logDir: dir,
  rootUser: process.env.AWS_ACCESS_KEY_ID,
  rootPassword: process.env.AWS_SECRET_ACCESS_KEY,
});
const client = createS3Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}` });
try {
  const s3 = new S3ObjectStore(client, 'measure', 'courant');
  await s3.ensureBucket(true);
  console.log(`S3 cache hit path vs S3 GET, MinIO on loopback, median of ${runs} reads (ms)`);
  console.log('| object | S3 GET | first read through the cache | cached read (304 + local) | speed-up |');
  console.log('| -----: | -----: | ---------------------------: | ------------------------: | -------: |');
  for (const size of SIZES) {
    const key = `processed/eco2mix/dt=2021-12-15/measure-${size}.parquet`;
    await s3.put(key, randomBytes(size));
    const plain: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      plain.push(await time(() => s3.read(key)));
      const cache = new ObjectCache(path.join(dir, `cache-${size}-${i}`), s3.location, 1024 ** 3);
      const cached = new CachedObjectStore(s3, cache);
      cold.push(await time(() => cached.read(key)));
      warm.push(await time(() => cached.read(key)));
    }
    const [p, c, w] = [median(plain), median(cold), median(warm)];
    const label = size >= 1024 * 1024 ? `${size / 1024 / 1024} MiB` : `${size / 1024} KiB`;
    console.log(`| ${label} | ${p.toFixed(2)} | ${c.toFixed(2)} | ${w.toFixed(2)} | ${(p / w).toFixed(1)}× |`);
  }
} finally {
  client.destroy();
  await minio.stop();
  await rm(dir, { recursive: true, force: true });
}
