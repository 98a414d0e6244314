/** The README's main job: `courant demo` brings up its own stack, runs a real sample day, stops it all. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, isListening } from '../../src/stack/ports.js';
import { runCli } from '../support/run-cli.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('courant demo', () => {
  it('starts the embedded stack on the configured addresses, runs 2021-12-15 offline and leaves nothing running', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-demo-'));
    dirs.push(dir);
    const [temporalPort, mongoPort] = [await freePort(), await freePort()];
    const r = await runCli(['demo', '--no-keep-running', '--state-dir', path.join(dir, 'state')], {
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      MONGODB_URL: `mongodb://127.0.0.1:${mongoPort}/courant`,
      DATA_DIR: path.join(dir, 'data'),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Web UI http://127.0.0.1:${temporalPort + 1000}`);
    expect(r.stdout).toContain('daily/2021-12-15 succeeded');
    expect(r.stdout).toContain(`/namespaces/default/workflows/daily%2F2021-12-15`);

    const metrics = JSON.parse(
      await readFile(path.join(dir, 'data/metrics/eco2mix/dt=2021-12-15/metrics.json'), 'utf8'),
    ) as {
      points: number;
      completeness: number;
      consumption: { peakMW: number };
    };
    expect(metrics).toMatchObject({ points: 96, completeness: 1, consumption: { peakMW: 76_740 } });

    expect(await isListening('127.0.0.1', temporalPort)).toBe(false);
    expect(await isListening('127.0.0.1', mongoPort)).toBe(false);
  });
});
