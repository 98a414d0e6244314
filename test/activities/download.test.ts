/**
 * downloadSource classifies source faults where they happen, and keeps a refused body out of the way
 * once the source is fixed; real local storage and database.
 */
import { registeredCatalog } from '../../src/datasets/catalog.js';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDownloadActivities, type DownloadSourceInput } from '../../src/activities/download.js';
import { eco2mixInputs } from '../../src/datasets/eco2mix/dataset.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { freePort } from '../../src/stack/ports.js';
import { openWorkerResources, type WorkerResources } from '../../src/workers/resources.js';
import { syntheticRealtimeExport } from '../support/synthetic-eco2mix.js';
import { testConfig } from '../support/test-stack.js';
import { WAIT_DEADLINE_MS } from '../support/deadlines.js';

let odre: OdreServer;
let resources: WorkerResources;

beforeAll(async () => {
  odre = await startOdreServer({
    'eco2mix-national-tr': 'date_heure;consommation\r\n',
    'eco2mix-national-cons-def': '',
  });
  resources = await openWorkerResources(await testConfig());
});
afterAll(async () => {
  await resources.close();
  await odre.close();
});

async function download(baseUrl: string) {
  const { downloadSource } = createDownloadActivities({
    ...resources.deps,
    datasets: registeredCatalog({ eco2mix: { baseUrl } }),
    sourceTimeoutMs: WAIT_DEADLINE_MS,
  });
  const [realtime] = eco2mixInputs('2024-02-01', { baseUrl });
  if (!realtime) throw new Error('eco2mix has no source on 2024-02-01');
  const { source, url, extension } = realtime;
  const input: DownloadSourceInput = { dataset: 'eco2mix', date: '2024-02-01', source, url, extension };
  return new MockActivityEnvironment().run(downloadSource, input);
}

async function failureOf(work: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await work.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('downloadSource failure classification', () => {
  it('an unreachable source is a retryable TransientIO failure naming the URL, with the network cause kept', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const failure = await failureOf(download(closed));
    expect(failure.type).toBe('TransientIO');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain(
      `could not reach ${closed}/api/explore/v2.1/catalog/datasets/eco2mix-national-tr/exports/csv`,
    );
    expect(failure.cause).toBeInstanceOf(Error);
  });

  it('a 503 is retryable and honours Retry-After-free defaults; a 404 is final (SourceRejected)', async () => {
    odre.failNext('eco2mix-national-tr', [{ status: 503, body: 'maintenance' }]);
    const busy = await failureOf(download(odre.baseUrl));
    expect(busy).toMatchObject({ type: 'TransientIO', nonRetryable: false });
    expect(busy.message).toMatch(/answered HTTP 503: maintenance/);

    odre.failNext('eco2mix-national-tr', [
      { status: 404, body: '{"error_code":"DatasetNotFound"}', contentType: 'application/json' },
    ]);
    const missing = await failureOf(download(odre.baseUrl));
    expect(missing).toMatchObject({ type: 'SourceRejected', nonRetryable: true });
    expect(missing.message).toMatch(/answered HTTP 404/);
  });

  it('a body with a header that lacks required columns is final (BadData) with the location as details', async () => {
    const failure = await failureOf(download(odre.baseUrl));
    expect(failure).toMatchObject({ type: 'BadData', nonRetryable: true });
    expect(failure.details?.[0]).toMatchObject({ line: 1, column: 'prevision_j1' });
    expect(await resources.deps.objects.head('raw/eco2mix/dt=2024-02-01/realtime.csv')).toBeNull();
    expect(await resources.deps.objects.head('quarantine/eco2mix/dt=2024-02-01/realtime.refused')).not.toBeNull();
  });

  it('once the source gives an accepted body, keeps the refused one as superseded, out of the way', async () => {
    const refusedKey = 'quarantine/eco2mix/dt=2024-02-01/realtime.refused';
    const refused = await resources.deps.objects.get(refusedKey);
    odre.failNext('eco2mix-national-tr', [
      { status: 200, contentType: 'text/csv', body: syntheticRealtimeExport('2024-02-01', '2024-02-01') },
    ]);
    await download(odre.baseUrl);
    expect(await resources.deps.objects.head('raw/eco2mix/dt=2024-02-01/realtime.csv')).not.toBeNull();
    expect(await resources.deps.objects.head(refusedKey)).toBeNull();
    const superseded = await resources.deps.objects.list('quarantine/eco2mix/dt=2024-02-01/superseded');
    expect(superseded.map((o) => o.key)).toEqual([
      expect.stringMatching(/^quarantine\/eco2mix\/dt=2024-02-01\/superseded\/realtime-[0-9a-f]{16}\.refused$/),
    ]);
    expect(await resources.deps.objects.get(superseded[0]?.key ?? '')).toEqual(refused);
  });
});
