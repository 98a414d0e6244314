/**
 * A server that cannot start says why in one line: the real Temporal dev server, its Web UI's port
 * taken by another listener, exits; the error names what it wrote last (the bind failure) and its log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveTool } from '../../src/stack/tools.js';
import { freePort } from '../../src/stack/ports.js';
import { startTemporalDevServer } from '../../src/stack/servers.js';

const HOST = '127.0.0.1';
let holder: net.Server;
let uiPort: number;
let logDir: string;

beforeAll(async () => {
  logDir = await mkdtemp(path.join(os.tmpdir(), 'courant-server-start-'));
  holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, HOST, resolve));
  const address = holder.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port held');
  uiPort = address.port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => holder.close(() => resolve()));
  await rm(logDir, { recursive: true, force: true });
});

it('names the dev server’s own last words when its Web UI’s port is taken', async () => {
  const start = startTemporalDevServer({
    cliPath: resolveTool('temporal'),
    host: HOST,
    port: await freePort(),
    uiPort,
    namespace: 'default',
    logDir,
  });
  const error = await start.then(
    (server) => server.stop().then(() => null),
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message).toMatch(/^temporal dev server failed to start: .*address already in use/);
  expect(message).toContain(path.join(logDir, 'temporal.log'));
});
