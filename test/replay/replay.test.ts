/** Every recorded history replays against today's workflow code; a changed command sequence is caught. */
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { bundleWorkflows } from '../../src/workers/bundle.js';

const HISTORIES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'histories');

async function histories(): Promise<Array<{ name: string; history: unknown }>> {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (name) => ({
      name,
      history: JSON.parse(await readFile(path.join(HISTORIES, name), 'utf8')) as unknown,
    })),
  );
}

describe('replay of recorded histories', () => {
  it('has at least one recorded history to replay', async () => {
    expect((await histories()).length).toBeGreaterThan(0);
  });

  it('replays every recorded history against the current workflow code', async () => {
    for (const { name, history } of await histories()) {
      await expect(
        Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history as never, name),
        name,
      ).resolves.toBeUndefined();
    }
  });

  it('detects non-determinism when the workflow changes its command sequence', async () => {
    const altered = await bundleWorkflows(
      path.join(path.dirname(fileURLToPath(import.meta.url)), 'altered-workflows.ts'),
    );
    const daily = (await histories()).find(({ name }) => name.startsWith('daily-pipeline-'));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { code: altered.code } }, daily?.history as never, 'altered'),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
