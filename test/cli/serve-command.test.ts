/**
 * `courant serve` as a user starts it: off loopback it refuses to start without SERVE_TOKENS or
 * --insecure-no-auth (exit 2, before any store is contacted); a bad --address or SERVE_TOKENS is named;
 * on loopback it serves the real document store until SIGTERM, and the token it was given never
 * reaches its output.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/stack/ports.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { uniqueName } from '../support/names.js';
import { runCommandLine } from '../support/run-cli.js';
import { inheritedEnv } from '../support/child-env.js';

const closed = { TEMPORAL_ADDRESS: '127.0.0.1:1', MONGODB_URL: 'mongodb://127.0.0.1:1/courant' };
const TOKEN = 'serve-cli-token-0123456789abcdef';

describe('courant serve', () => {
  it('refuses a non-loopback address without tokens, naming both ways out', async () => {
    const result = await runCommandLine(['serve', '--address', '0.0.0.0:8080'], closed);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not loopback: set SERVE_TOKENS (bearer tokens) or pass --insecure-no-auth');
    expect(result.stderr).not.toContain('cannot reach');
  });

  it('names a bad --address and a bad SERVE_TOKENS without repeating the token', async () => {
    const address = await runCommandLine(['serve', '--address', 'nowhere'], closed);
    expect(address.code).toBe(2);
    expect(address.stderr).toContain('--address: expected host:port');
    const tokens = await runCommandLine(['serve'], { ...closed, SERVE_TOKENS: 'short-secret' });
    expect(tokens.code).toBe(2);
    expect(tokens.stderr).toContain('SERVE_TOKENS: must be tokens of 24 to 256 characters');
    expect(tokens.stderr).not.toContain('short-secret');
  });

  it('serves on loopback over the real document store, then stops on SIGTERM', async () => {
    const port = await freePort();
    const mongo = new URL(inject('mongodbUrl'));
    mongo.pathname = `/${uniqueName('serve')}`;
    const child = spawn(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin', 'courant.js'), 'serve', '--address', `127.0.0.1:${port}`],
      {
        env: {
          ...inheritedEnv(),
          LOG_LEVEL: 'info',
          LOG_FORMAT: 'json',
          MONGODB_URL: mongo.toString(),
          DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'courant-serve-')),
          STORAGE_MODE: 'local',
          SERVE_TOKENS: TOKEN,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    await new Promise<void>((resolve) => {
      const check = () => (output.includes('courant console on') ? resolve() : undefined);
      child.stdout.on('data', check);
    });
    expect(output).toContain(`courant console on http://127.0.0.1:${port} (bearer tokens required)`);
    const denied = await fetch(`http://127.0.0.1:${port}/api/v1/days/2022-06-01`);
    expect(denied.status).toBe(401);
    const served = await fetch(`http://127.0.0.1:${port}/api/v1/days/2022-06-01`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(await served.json()).toEqual({ date: '2022-06-01', records: [] });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).not.toContain(TOKEN);
  });
});
