/**
 * What `courant demo` and `courant dev` log beside their own narration: for a person (LOG_FORMAT
 * auto or pretty), whether stderr is a terminal or not, readable lines, warnings and errors only at
 * LOG_LEVEL=info — never the worker's start and shutdown records as JSON above the day's figures.
 * LOG_FORMAT=json keeps every record as JSON for a machine.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createContext, narratingLogger } from '../../src/cli/context.js';

function captured(): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

function narrate(env: Record<string, string>, tty: boolean): string {
  const err = captured();
  if (tty) err.stream.isTTY = true;
  const out = captured();
  const ctx = createContext(
    { DATA_DIR: '/tmp/courant-unused', LOG_LEVEL: 'info', ...env },
    {
      stdout: out.stream,
      stderr: err.stream,
    },
  );
  const logger = narratingLogger(ctx);
  const sdk = logger.child({ component: 'temporal' });
  sdk.info({ state: 'RUNNING', taskQueue: 'courant' }, 'Worker state changed');
  sdk.info({ state: 'DRAINING', taskQueue: 'courant' }, 'Worker state changed');
  logger.warn({ dataset: 'eco2mix' }, 'the source answered slowly');
  return err.text();
}

describe('the narrating logger of courant demo and dev', () => {
  it.each([
    ['a terminal', true],
    ['a pipe', false],
  ])('on %s: warnings as readable lines, no JSON record, no worker state', (_label, tty) => {
    const text = narrate({}, tty);
    expect(text).not.toContain('{"level"');
    expect(text).not.toContain('DRAINING');
    expect(text).toMatch(/^\d\d:\d\d:\d\d WARN {2}the source answered slowly \(dataset=eco2mix\)\n$/);
  });

  it('LOG_FORMAT=json: every record as JSON', () => {
    const records = narrate({ LOG_FORMAT: 'json' }, false)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string });
    expect(records.map((r) => r.msg)).toEqual([
      'Worker state changed',
      'Worker state changed',
      'the source answered slowly',
    ]);
  });
});
