/**
 * Enedis flows end to end on the real dev server and document store: a folder holding the real
 * R151 and C15 samples ingested with `courant ingest --dir`, each day closed by their readings run,
 * its Parquet, metrics and report written; the same folder again runs nothing; a malformed file is
 * quarantined with its line, touching no day.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxKeys, storageKeys } from '../../src/shared/keys.js';
import { runCli } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const FIXTURES = path.join('test', 'fixtures', 'enedis');

let harness: TestWorkerHarness;
let dir: string;
const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-enedis-wf-'));
  harness = await startTestWorker(await testConfig());
});

afterAll(async () => {
  await harness.close();
  await rm(dir, { recursive: true, force: true });
});

describe('courant ingest --dataset enedis', () => {
  it('runs the days closed by a folder of real R151 and C15 flows, with their readings, metrics and report', async () => {
    const flows = path.join(dir, 'flows');
    await mkdir(flows);
    await copyFile(path.join(FIXTURES, 'electricore_r151.xml'), path.join(flows, 'r151.xml'));
    await copyFile(path.join(FIXTURES, 'electricore_c15_avec_releves.xml'), path.join(flows, 'c15.xml'));
    const r = await runCli(['ingest', '--dataset', 'enedis', '--dir', flows, '--wait'], cliEnv(harness.config));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('c15.xml: 1 day(s) (2024-10-03), 1 run, all succeeded');
    expect(r.stdout).toContain('r151.xml: 1 day(s) (2024-04-04), 1 run, all succeeded');
    expect(await harness.resources.deps.objects.list(inboxKeys.folder('enedis'))).toEqual([]);

    const r151Day = await harness.resources.deps.records.getDayRun('enedis', '2024-04-04');
    expect(r151Day).toMatchObject({ status: 'succeeded', rows: { read: 5, written: 5, rejected: 0 } });
    expect(r151Day?.outputs).toContain(storageKeys.processed('enedis', '2024-04-04', 'index_readings'));
    expect((await harness.resources.deps.records.getMetrics('enedis', '2024-04-04'))?.metrics).toMatchObject({
      readings: 5,
      prms: 1,
      flagged: 1,
      readingsByFlow: { R151: 5 },
    });
    expect((await harness.resources.deps.records.getMetrics('enedis', '2024-10-03'))?.metrics).toMatchObject({
      readings: 6,
      prms: 1,
      readingsByFlow: { C15: 6 },
    });
    const html = await readFile(dataPath('reports/dt=2024-10-03/daily_report.html'), 'utf8');
    expect(html).toContain('Enedis meter readings');
    expect(html).toContain('99660599682036');

    const again = await runCli(['ingest', '--dataset', 'enedis', '--dir', flows, '--wait'], cliEnv(harness.config));
    expect(again.stdout).toContain('c15.xml: 1 day(s) (2024-10-03), 0 run');
  });

  it('quarantines a malformed flow with its line, and runs no day', async () => {
    const file = path.join(dir, 'broken.xml');
    await writeFile(file, `<?xml version='1.0'?>\n<R151>\n<PRM><Id_PRM>99000000000001</Id_PRM>\n</R151>\n`);
    const r = await runCli(['ingest', '--dataset', 'enedis', '--file', file, '--wait'], cliEnv(harness.config));
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/broken\.xml.*line 4.*not well-formed XML/);
    const quarantined = await harness.resources.deps.objects.list('quarantine/enedis/inbox');
    expect(quarantined.map((o) => path.posix.basename(o.key))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/broken\.xml$/),
        expect.stringMatching(/broken\.xml\.reason\.json$/),
      ]),
    );
  });
});
