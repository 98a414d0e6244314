/**
 * The histories a release shipped (test/replay/released/{version}/), frozen: each is the file its
 * SHA256SUMS names, and each replays against today's workflow code. A change to a workflow's
 * command sequence that is not behind `patched()` fails here (docs/architecture.md, "The rule for
 * the next change"); re-recording or editing a released history fails the sums.
 */
import { Worker } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';

const RELEASED = path.join(path.dirname(fileURLToPath(import.meta.url)), 'released');
const SUM_LINE = /^([0-9a-f]{64}) {2}(\S+\.json)$/;

const releases = (await readdir(RELEASED, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);

describe('the histories of each release', () => {
  it('are kept for at least one release', () => {
    expect(releases.length).toBeGreaterThan(0);
  });

  describe.each(releases)('%s', (release) => {
    const dir = path.join(RELEASED, release);

    it('are the files its SHA256SUMS names, byte for byte, and no other', async () => {
      const sums = (await readFile(path.join(dir, 'SHA256SUMS'), 'utf8')).trimEnd().split('\n');
      const listed = sums.map((line) => {
        const match = SUM_LINE.exec(line);
        if (!match?.[1] || !match[2]) throw new Error(`SHA256SUMS of ${release}: not "sha256  file.json": ${line}`);
        return { sha256: match[1], file: match[2] };
      });
      const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
      expect(listed.map((l) => l.file).sort()).toEqual(files);
      for (const { sha256, file } of listed)
        expect(
          createHash('sha256')
            .update(await readFile(path.join(dir, file)))
            .digest('hex'),
          file,
        ).toBe(sha256);
    });

    it("replay against today's workflow code", async () => {
      const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const history = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as unknown;
        await expect(
          Worker.runReplayHistory(
            { workflowBundle: { codePath: inject('workflowBundlePath') } },
            history as never,
            `${release}/${file}`,
          ),
          `${release}/${file}`,
        ).resolves.toBeUndefined();
      }
    });
  });
});
