/**
 * The real servers a test tier needs, each started once per vitest run and shared by every tier
 * that names it: the Temporal dev server (the project's own CLI build, through
 * TestWorkflowEnvironment.createLocal), the document store (an existing MONGODB_URL that answers,
 * else the embedded FerretDB on a free port), MinIO and DynamoDB Local (aws mode), each on a free
 * loopback port, the workflow bundle, and the `courant` command built as users run it (dist/cli,
 * when it is not the build of the sources already). A tier's servers start in parallel. Every server started
 * here is stopped when the last tier using it ends, also when start-up fails half-way; before the dev
 * server stops, every workflow history the tests produced is replayed against the bundle
 * (replay-every-history.ts), and one that does not replay fails the run.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { SEARCH_ATTRIBUTES } from '../../src/workflow-safe/search-attributes.js';
import { freePort, isListening } from '../../src/stack/ports.js';
import { startDocumentStore, startDynamoDbLocal, startMinio } from '../../src/stack/servers.js';
import { PROJECT_ROOT, resolveDynamoDbLocal, resolveTool } from '../../src/stack/tools.js';
import { BUNDLE_FILES, buildWorkflowBundles } from '../../src/workers/prebuilt-bundle.js';
import { builtCliIsCurrent } from '../../bin/built-cli.js';
import { buildCli } from '../../scripts/cli-bundle.js';
import { TEST_NAMESPACES, UNREPLAYABLE_NAMESPACE } from './namespaces.js';
import type { ReplayTally } from './replay-every-history.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    mongodbUrl: string;
    workflowBundlePath: string;
    /** The directory of both workflow bundles, for WORKFLOW_BUNDLE_DIR. */
    workflowBundleDir: string;
    /** MinIO's S3 endpoint, and the credentials clients sign with (root user / password). */
    s3Endpoint: string;
    s3AccessKeyId: string;
    s3SecretAccessKey: string;
    dynamodbEndpoint: string;
  }
}

export type TestServer = 'temporal' | 'documentStore' | 'minio' | 'dynamodb' | 'workflowBundle' | 'builtCli';

/** A started server: what it gives the tests, and how to stop it. */
interface StartedServer {
  provide(project: TestProject): void;
  stop(): Promise<void>;
  /** The Temporal dev server's address, or the workflow bundle's path. */
  readonly location?: string;
}

async function existingMongo(): Promise<string | null> {
  const url = process.env.MONGODB_URL;
  if (!url) return null;
  const parsed = new URL(url);
  return (await isListening(parsed.hostname, Number(parsed.port || 27017))) ? url : null;
}

const STARTS: Record<TestServer, (workDir: string) => Promise<StartedServer>> = {
  async temporal() {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: resolveTool('temporal', process.env.TEMPORAL_CLI_PATH) },
        ip: '127.0.0.1',
        searchAttributes: [...SEARCH_ATTRIBUTES],
        extraArgs: [...TEST_NAMESPACES, UNREPLAYABLE_NAMESPACE].flatMap((namespace) => ['--namespace', namespace]),
        log: { format: 'pretty', level: 'error' },
      },
    });
    return {
      provide: (project) => project.provide('temporalAddress', env.address),
      stop: () => env.teardown(),
      location: env.address,
    };
  },
  async documentStore(workDir) {
    const existing = await existingMongo();
    if (existing) return { provide: (project) => project.provide('mongodbUrl', existing), stop: async () => {} };
    const port = await freePort();
    const server = await startDocumentStore({
      binary: resolveTool('ferretdb'),
      host: '127.0.0.1',
      port,
      dataDir: path.join(workDir, 'ferretdb'),
      logDir: workDir,
    });
    return {
      provide: (project) => project.provide('mongodbUrl', `mongodb://127.0.0.1:${port}/courant`),
      stop: () => server.stop(),
    };
  },
  async minio(workDir) {
    // DynamoDB Local 2.x accepts access key IDs of letters and digits only; MinIO accepts those too.
    const rootUser = `courant${randomBytes(6).toString('hex')}`;
    const rootPassword = randomBytes(18).toString('base64url');
    const port = await freePort();
    const server = await startMinio({
      binary: resolveTool('minio'),
      host: '127.0.0.1',
      port,
      dataDir: path.join(workDir, 'minio'),
      logDir: workDir,
      rootUser,
      rootPassword,
    });
    return {
      provide(project) {
        project.provide('s3Endpoint', `http://127.0.0.1:${port}`);
        project.provide('s3AccessKeyId', rootUser);
        project.provide('s3SecretAccessKey', rootPassword);
      },
      stop: () => server.stop(),
    };
  },
  async dynamodb(workDir) {
    const port = await freePort();
    const server = await startDynamoDbLocal({ ...resolveDynamoDbLocal(), host: '127.0.0.1', port, logDir: workDir });
    return {
      provide: (project) => project.provide('dynamodbEndpoint', `http://127.0.0.1:${port}`),
      stop: () => server.stop(),
    };
  },
  /**
   * The workflow bundles, built once as `npm run build:bundle` builds them: the tests' workers run
   * the plain one, and the `courant worker` processes they start run both from WORKFLOW_BUNDLE_DIR,
   * as the container image does, rather than each bundling again at its start.
   */
  async workflowBundle(workDir) {
    const dir = path.join(workDir, 'workflow-bundles');
    await buildWorkflowBundles(dir);
    const bundlePath = path.join(dir, BUNDLE_FILES.plain);
    return {
      provide(project) {
        project.provide('workflowBundlePath', bundlePath);
        project.provide('workflowBundleDir', dir);
      },
      stop: async () => {},
      location: bundlePath,
    };
  },
  /** The tests that spawn bin/courant.js run the build, as users do; it stays for the next run. */
  async builtCli() {
    if (!builtCliIsCurrent(PROJECT_ROOT)) await buildCli(PROJECT_ROOT);
    return { provide: () => {}, stop: async () => {} };
  },
};

/** What the tiers of one vitest run share; global set-ups run in the one vitest process. */
interface SharedServers {
  readonly workDir: Promise<string>;
  readonly started: Map<TestServer, Promise<StartedServer>>;
  users: number;
  /** Set once every server of a tier started: a run whose start-up failed has no history to replay. */
  testsRan: boolean;
}

const SHARED = Symbol.for('courant.test-servers');

function sharedServers(): SharedServers {
  const holder = globalThis as { [SHARED]?: SharedServers };
  // The process's Temporal runtime (the dev server's client, the replay workers) logs warnings and errors only.
  if (!holder[SHARED]) Runtime.install({ logger: new DefaultLogger('WARN') });
  holder[SHARED] ??= {
    workDir: mkdtemp(path.join(os.tmpdir(), 'courant-test-stack-')),
    started: new Map(),
    users: 0,
    testsRan: false,
  };
  return holder[SHARED];
}

/** Every history on the dev server replayed against the bundle, when both were started and the tests ran. */
async function replayed(shared: SharedServers): Promise<ReplayTally | null> {
  const temporal = await shared.started.get('temporal')?.catch(() => undefined);
  const bundle = await shared.started.get('workflowBundle')?.catch(() => undefined);
  if (!temporal?.location || !bundle?.location || !shared.testsRan) return null;
  const { replayEveryHistory } = await import('./replay-every-history.js');
  return replayEveryHistory({
    address: temporal.location,
    namespaces: TEST_NAMESPACES,
    bundlePath: bundle.location,
    failuresDir: path.join(PROJECT_ROOT, 'test-artifacts', 'replay-failures'),
  });
}

async function stopAll(shared: SharedServers): Promise<void> {
  delete (globalThis as { [SHARED]?: SharedServers })[SHARED];
  const replayStarted = Date.now();
  const replay = await replayed(shared).then(
    (tally) => ({ tally }),
    (error: unknown) => ({ error }),
  );
  const started = [...shared.started.values()];
  shared.started.clear();
  const stopped = await Promise.allSettled(started.map(async (server) => (await server).stop()));
  await rm(await shared.workDir, { recursive: true, force: true });
  const failed = stopped.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if ('error' in replay) failed.push(replay.error);
  else if (replay.tally) {
    const { failures, replayed: count, histories } = replay.tally;
    const seconds = ((Date.now() - replayStarted) / 1000).toFixed(1);
    if (failures.length === 0)
      process.stdout.write(
        `[test servers] the ${histories} workflow histories the tests produced replay (${count} of distinct shapes replayed, ${seconds} s)\n`,
      );
    else
      failed.push(
        new Error(
          `${failures.length} of the ${histories} workflow histories the tests produced (${count} of distinct shapes) do not replay against the code that wrote them:\n` +
            failures
              .map((f) => `  ${f.namespace} ${f.workflowId} (${f.runId}): ${f.message}\n    ${f.file}`)
              .join('\n'),
        ),
      );
  }
  if (failed.length > 0) {
    // Vitest sets the exit status from a teardown that throws, but prints nothing of it.
    for (const problem of failed)
      process.stderr.write(
        `[test servers] ${problem instanceof Error ? (problem.stack ?? problem.message) : String(problem)}\n`,
      );
    throw new AggregateError(failed, `${failed.length} problem(s) when the test servers stopped`);
  }
}

/** A vitest global set-up that starts `needs` (those not yet running) and provides their addresses. */
export function testServers(needs: readonly TestServer[]): (project: TestProject) => Promise<() => Promise<void>> {
  return async function setup(project) {
    // The AWS SDK warns once per process that its 2027 releases will need Node 22; tests run on 20.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    const shared = sharedServers();
    shared.users += 1;
    const workDir = await shared.workDir;
    const starting = needs.map((name) => {
      const running = shared.started.get(name) ?? STARTS[name](workDir);
      shared.started.set(name, running);
      return running;
    });
    const settled = await Promise.allSettled(starting);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await stopAll(shared);
      throw failed.reason;
    }
    for (const s of settled) if (s.status === 'fulfilled') s.value.provide(project);
    shared.testsRan = true;
    return async () => {
      shared.users -= 1;
      if (shared.users === 0) await stopAll(shared);
    };
  };
}
