/**
 * Starts the real servers once for the whole run: the Temporal dev server (the project's own
 * CLI build, through TestWorkflowEnvironment.createLocal) and the document store (an existing
 * MONGODB_URL that answers, else the embedded FerretDB on a free port). Bundles the workflows once.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes.js';
import { freePort, isListening } from '../../src/stack/ports.js';
import type { ManagedProcess } from '../../src/stack/process.js';
import { startDocumentStore } from '../../src/stack/servers.js';
import { resolveTool } from '../../src/stack/tools.js';
import { bundleWorkflows } from '../../src/workers/bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    mongodbUrl: string;
    workflowBundlePath: string;
  }
}

async function existingMongo(): Promise<string | null> {
  const url = process.env.MONGODB_URL;
  if (!url) return null;
  const parsed = new URL(url);
  return (await isListening(parsed.hostname, Number(parsed.port || 27017))) ? url : null;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'courant-test-stack-'));
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: resolveTool('temporal', process.env.TEMPORAL_CLI_PATH) },
      ip: '127.0.0.1',
      searchAttributes: [...SEARCH_ATTRIBUTES],
      log: { format: 'pretty', level: 'error' },
    },
  });
  let documentStore: ManagedProcess | undefined;
  try {
    let mongodbUrl = await existingMongo();
    if (!mongodbUrl) {
      const port = await freePort();
      documentStore = await startDocumentStore({
        binary: resolveTool('ferretdb'),
        host: '127.0.0.1',
        port,
        dataDir: path.join(workDir, 'ferretdb'),
        logDir: workDir,
      });
      mongodbUrl = `mongodb://127.0.0.1:${port}/courant`;
    }
    const bundlePath = path.join(workDir, 'workflow-bundle.js');
    await writeFile(bundlePath, (await bundleWorkflows()).code);

    project.provide('temporalAddress', temporal.address);
    project.provide('mongodbUrl', mongodbUrl);
    project.provide('workflowBundlePath', bundlePath);
  } catch (error) {
    await documentStore?.stop();
    await temporal.teardown();
    throw error;
  }
  return async () => {
    await temporal.teardown();
    await documentStore?.stop();
    await rm(workDir, { recursive: true, force: true });
  };
}
