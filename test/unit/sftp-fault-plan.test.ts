/** Which entries a pickup tries when some failed before, and the record of a failed try, without a server. */
import { describe, expect, it } from 'vitest';
import {
  entriesToTry,
  faultAfter,
  FAULT_PAUSE_MAX_MS,
  pauseAfter,
  serverWideFault,
  type Unserved,
} from '../../src/activities/sftp-faults.js';
import { SftpError, type RemoteFile } from '../../src/sftp/session.js';
import type { SftpFaultRecord } from '../../src/storage/records.js';

const at = Date.parse('2025-03-01T12:00:00Z');
const file = (name: string, size = 100): RemoteFile => ({ name, size, mtime: new Date('2025-03-01T10:00:00Z') });
const faultOf = (f: RemoteFile, nextTryAt: number): SftpFaultRecord => ({
  ...faultAfter('enedis', f, 'No such file (SFTP status 2)', undefined, new Date(at - 60_000)),
  nextTryAt: new Date(nextTryAt).toISOString(),
});

describe('the entries a pickup tries', () => {
  it('tries the new entries by name first, then the faulted ones whose pause is over, never one still in its pause', () => {
    const files = ['a.zip', 'b.zip', 'c.zip', 'd.zip'].map((n) => file(n));
    const faults = new Map([
      ['a.zip', faultOf(file('a.zip'), at - 1)],
      ['b.zip', faultOf(file('b.zip'), at + 1)],
    ]);
    const names = (tried: RemoteFile[]) => tried.map((f) => f.name);
    expect(names(entriesToTry(files, faults, at))).toEqual(['c.zip', 'd.zip', 'a.zip']);
    expect(names(entriesToTry(files, faults, at, 2))).toEqual(['c.zip', 'd.zip']);
  });

  it('tries a faulted entry at once, in name order, once its size or time on the server changed', () => {
    const faults = new Map([['a.zip', faultOf(file('a.zip'), at + 3_600_000)]]);
    expect(entriesToTry([file('a.zip', 200), file('b.zip')], faults, at).map((f) => f.name)).toEqual([
      'a.zip',
      'b.zip',
    ]);
  });
});

describe('a failed try', () => {
  it('counts the tries, keeps the first failure and doubles the pause from one minute up to six hours', () => {
    const first = faultAfter('enedis', file('a.zip'), 'Failure (SFTP status 4)', undefined, new Date(at));
    expect(first).toMatchObject({
      attempts: 1,
      firstFailedAt: '2025-03-01T12:00:00.000Z',
      nextTryAt: '2025-03-01T12:01:00.000Z',
    });
    const second = faultAfter('enedis', file('a.zip'), 'Failure (SFTP status 4)', first, new Date(at + 120_000));
    expect(second).toMatchObject({
      attempts: 2,
      firstFailedAt: '2025-03-01T12:00:00.000Z',
      lastFailedAt: '2025-03-01T12:02:00.000Z',
      nextTryAt: '2025-03-01T12:04:00.000Z',
    });
    expect([1, 2, 3, 9, 10, 40].map(pauseAfter)).toEqual([
      60_000,
      120_000,
      240_000,
      15_360_000,
      FAULT_PAUSE_MAX_MS,
      FAULT_PAUSE_MAX_MS,
    ]);
  });
});

describe("a round's faults", () => {
  /** `f` not served, the server having answered `status` (as ssh2 gives it: the error's code). */
  const unserved = (f: RemoteFile, status: number): Unserved => ({
    file: f,
    unserved: new SftpError('file', `Failure (SFTP status ${status})`, {
      cause: Object.assign(new Error('Failure'), { code: status }),
    }),
  });
  const files = ['a.zip', 'b.zip', 'c.zip'].map((n) => file(n));

  it("are the server's when every regular file tried failed with one status, none served", () => {
    const wide = serverWideFault(
      files.map((f) => unserved(f, 4)),
      0,
    );
    expect(wide).toMatchObject({ kind: 'transient' });
    expect(wide?.message).toContain('SFTP status 4 on 3 files, first a.zip');
  });

  it("are each file's own when one was served, statuses differ, one file alone failed, or the others are folders", () => {
    const failed = files.map((f) => unserved(f, 4));
    expect(serverWideFault(failed, 1)).toBeNull();
    expect(serverWideFault([...failed.slice(1), unserved(file('a.zip'), 3)], 0)).toBeNull();
    expect(serverWideFault(failed.slice(0, 1), 0)).toBeNull();
    const folders = ['d', 'e'].map((n) => unserved({ ...file(n), type: 'folder' }, 4));
    expect(serverWideFault([...failed.slice(0, 1), ...folders], 0)).toBeNull();
    const special = new SftpError('file', 'a FIFO (named pipe), not a file: not read');
    expect(serverWideFault([...failed.slice(0, 1), { file: file('f'), unserved: special }], 0)).toBeNull();
  });
});
