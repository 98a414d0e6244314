/**
 * LOG_FORMAT: readable lines for a person (`pretty`, or `auto` on a terminal), the structured JSON
 * of today everywhere else (`auto` in a pipe, as here, or `json`). A worker whose document store is
 * a closed port logs one error and exits 2 — in the format asked for.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runCli, runCommandLine } from '../support/run-cli.js';

let scratch: string;
let env: Record<string, string>;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-log-format-'));
  env = {
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    MONGODB_URL: 'mongodb://127.0.0.1:1/courant',
    DATA_DIR: path.join(scratch, 'data'),
    LOG_LEVEL: 'info',
  };
});

afterAll(async () => rm(scratch, { recursive: true, force: true }));

const lines = (text: string) => text.split('\n').filter(Boolean);

// Side by side: each worker waits out the document store's server selection (5 s) before it exits.
describe.concurrent('LOG_FORMAT', () => {
  it('pretty: one readable line a record, no JSON, then the error message', async ({ expect }) => {
    const r = await runCli(['worker'], { ...env, LOG_FORMAT: 'pretty' });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d INFO {2}storage environment detected \(mode=local\)$/),
      expect.stringMatching(
        /^\d\d:\d\d:\d\d ERROR cannot reach the document store at mongodb:\/\/127\.0\.0\.1:1\/courant \(MONGODB_URL\).*: connect ECONNREFUSED 127\.0\.0\.1:1$/,
      ),
      expect.stringMatching(/^courant: cannot reach the document store/),
    ]);
  });

  it.for([
    ['auto (not a terminal)', {}],
    ['json', { LOG_FORMAT: 'json' }],
  ] as const)('%s: the structured JSON records, unchanged', async ([, format], { expect }) => {
    const r = await runCli(['worker'], { ...env, ...format });
    expect(r.code).toBe(2);
    const records = lines(r.stderr)
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toEqual([
      expect.objectContaining({ level: 30, service: 'courant', mode: 'local', msg: 'storage environment detected' }),
      expect.objectContaining({
        level: 50,
        service: 'the document store',
        variable: 'MONGODB_URL',
        err: expect.objectContaining({ type: 'ServiceUnavailableError' }) as unknown,
      }),
    ]);
  });

  it('refuses an unknown format, naming LOG_FORMAT', async ({ expect }) => {
    const r = await runCommandLine(['status', '--from', '2024-01-01', '--to', '2024-01-02'], {
      ...env,
      LOG_FORMAT: 'colour',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LOG_FORMAT');
  });
});
