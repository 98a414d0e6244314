/**
 * A server that cannot start says why in one line: the real Temporal dev server, its Web UI's port
 * taken by another listener, exits; the error names what it wrote last (the bind failure) and its log.
 * A dev server that exits before it answers is started again, twice at most: a stand-in that panics
 * (as a Go program does, its stack trace last) is named by its panic's headline.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

/**
 * A stand-in for the dev server's command: it counts its starts in `starts`, panics as Go does on
 * the first `panics` of them, then listens on the port it is given (its `--port`).
 */
async function standIn(panics: number): Promise<{ cliPath: string; starts: string }> {
  const dir = await mkdtemp(path.join(logDir, 'stand-in-'));
  const starts = path.join(dir, 'starts');
  const cliPath = path.join(dir, 'temporal');
  const listen = `require('node:net').createServer().listen(Number(process.argv[1]), '${HOST}')`;
  await writeFile(
    cliPath,
    `#!/bin/sh
echo start >> '${starts}'
if [ "$(wc -l < '${starts}')" -le ${panics} ]; then
  echo 'panic: listen tcp ${HOST}:6933: bind: address already in use'
  echo
  echo 'goroutine 1 [running]:'
  echo 'main.main()'
  echo '  /home/runner/work/cli/cli/cmd/temporal/main.go:18 +0x78'
  exit 2
fi
while [ "$1" != --port ]; do shift; done
exec '${process.execPath}' -e "${listen}" "$2"
`,
  );
  await chmod(cliPath, 0o755);
  return { cliPath, starts };
}

it('starts a dev server that exits before it answers again, and names its panic when it never answers', async () => {
  const once = await standIn(1);
  const server = await startTemporalDevServer({
    cliPath: once.cliPath,
    host: HOST,
    port: await freePort(),
    namespace: 'default',
    logDir,
  });
  await server.stop();
  expect((await readFile(once.starts, 'utf8')).split('\n').filter(Boolean)).toHaveLength(2);

  const always = await standIn(Number.MAX_SAFE_INTEGER);
  const error = await startTemporalDevServer({
    cliPath: always.cliPath,
    host: HOST,
    port: await freePort(),
    namespace: 'default',
    logDir,
  }).then(
    (started) => started.stop().then(() => null),
    (failure: unknown) => failure,
  );
  expect((error as Error).message).toMatch(
    /^temporal dev server failed to start: panic: listen tcp .*address already in use; see /,
  );
  expect((await readFile(always.starts, 'utf8')).split('\n').filter(Boolean)).toHaveLength(3);
});
