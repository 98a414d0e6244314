/**
 * aws mode without AWS credentials, as a new user meets it: the `courant` executable against the
 * shared MinIO and DynamoDB Local, no key in the environment and no ~/.aws. A configuration fault:
 * exit 2, saying what to provide, the SDK's own reason kept.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { awsTestEnv } from '../support/test-stack.js';

describe('aws mode without credentials', () => {
  it('exits 2 naming the variables and files that give credentials, and keeps the cause', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'courant-no-aws-'));
    try {
      const r = await runCli(['status', '--from', '2024-01-01', '--to', '2024-01-01'], {
        ...awsTestEnv(),
        HOME: home,
        DATA_DIR: path.join(home, 'data'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/no AWS credentials/);
      for (const named of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', '~/.aws/credentials'])
        expect(r.stderr).toContain(named);
      expect(r.stderr).toContain('Could not load credentials from any providers');
      expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
