/**
 * `courant dev` in aws mode, as a user runs it: it starts the Temporal dev server, MinIO and
 * DynamoDB Local on the configured loopback ports, creates the bucket and tables, prints the
 * storage mode and why, runs a worker, and on Ctrl-C stops everything it started. The Web UI's
 * usual port (Temporal's + 1000) is held by another program, as any port may be on a busy machine.
 */
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { freePort, isListening } from '../../src/stack/ports.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { testDynamoDbClient, testS3Client } from '../support/aws.js';
import { useTestAwsCredentials } from '../support/test-stack.js';
import { WAIT_DEADLINE_MS } from '../support/deadlines.js';
import { inheritedEnv } from '../support/child-env.js';

describe('courant dev in aws mode', () => {
  it('starts MinIO, DynamoDB Local and Temporal, says which mode and why, and stops them all on Ctrl-C', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-dev-aws-'));
    const [temporalPort, s3Port, dynamodbPort] = [await freePort(), await freePort(), await freePort()];
    const credentials = useTestAwsCredentials();
    // Held here, unless another program holds it already: either way the UI must move.
    const holder = net.createServer();
    await new Promise<void>((resolve, reject) => {
      holder.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve() : reject(error)));
      holder.listen(temporalPort + 1000, '127.0.0.1', resolve);
    });
    const dev = spawn(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin', 'courant.js'), 'dev', '--state-dir', path.join(dir, 'state')],
      {
        env: {
          ...inheritedEnv(),
          USE_S3: 'true',
          S3_BUCKET: 'courant-dev',
          AWS_REGION: 'us-east-1',
          S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
          DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamodbPort}`,
          TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
          DATA_DIR: path.join(dir, 'data'),
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    dev.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    dev.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => dev.once('exit', resolve));
    try {
      const deadline = Date.now() + WAIT_DEADLINE_MS;
      while (!stderr.includes('worker is running')) {
        if (Date.now() > deadline || dev.exitCode !== null) throw new Error(`courant dev did not start:\n${stderr}`);
        await sleep(100);
      }
      expect(stdout).toContain('Storage mode:   aws (USE_S3=true)');
      expect(stdout).toContain(`Objects:        s3://courant-dev/courant/ at http://127.0.0.1:${s3Port} (us-east-1)`);
      expect(stdout).toContain(`Records:        dynamodb tables courant_{day_runs,metrics,reports}`);
      expect(stdout).toMatch(/Started: .*MinIO.*DynamoDB Local/);
      const ui = /Temporal UI: +http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1];
      expect(Number(ui)).not.toBe(temporalPort + 1000);
      expect(stderr).toContain(`port ${temporalPort + 1000} is taken: the Temporal Web UI listens on ${ui}`);
      expect((await fetch(`http://127.0.0.1:${ui}/`)).ok).toBe(true);

      const s3 = testS3Client(`http://127.0.0.1:${s3Port}`);
      const dynamodb = testDynamoDbClient(`http://127.0.0.1:${dynamodbPort}`);
      try {
        await s3.send(new HeadBucketCommand({ Bucket: 'courant-dev' }));
        expect((await dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual([
          'courant_day_runs',
          'courant_metrics',
          'courant_reports',
          'courant_sftp_files',
        ]);
      } finally {
        s3.destroy();
        dynamodb.destroy();
      }
    } finally {
      dev.kill('SIGINT');
      expect(await exited, stderr.slice(-2000)).toBe(0);
      if (holder.listening) holder.close();
      await rm(dir, { recursive: true, force: true });
    }
    for (const port of [temporalPort, s3Port, dynamodbPort]) expect(await isListening('127.0.0.1', port)).toBe(false);
    expect(stdout + stderr).not.toContain(credentials.secretAccessKey);
  });
});
