/** How an SFTP failure is classified where it happens, without a server. */
import { describe, expect, it } from 'vitest';
import type { SftpSourceConfig } from '../../src/config/index.js';
import { classify } from '../../src/sftp/session.js';

const source: SftpSourceConfig = {
  dataset: 'enedis',
  host: '127.0.0.1',
  port: 2222,
  user: 'supplier',
  auth: { password: { value: 'secret' } },
  knownHosts: { value: '' },
  remoteDir: '/out',
  pattern: '.*',
  deleteAfterPickup: false,
};

const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('an SFTP failure', () => {
  it.each(['EPIPE', 'ECONNRESET', 'ECONNABORTED'])(
    'names a connection cut under way (%s, whichever the socket reports before its close) as the connection closing, retryable, its cause kept',
    (code) => {
      const cause = socketError(code, `write ${code}`);
      const failure = classify(source, cause);
      expect(failure).toMatchObject({ kind: 'transient' });
      expect(failure.message).toBe(`SFTP supplier@127.0.0.1:2222: the connection closed (write ${code})`);
      expect(failure.cause).toBe(cause);
    },
  );

  it('names an SFTP packet the client could not parse as the server breaking the protocol, retryable, its cause kept', () => {
    const cause = Object.assign(new Error('Malformed DATA packet'), { level: 'sftp-protocol' });
    const failure = classify(source, cause);
    expect(failure).toMatchObject({ kind: 'transient' });
    expect(failure.message).toBe(
      'SFTP supplier@127.0.0.1:2222: the server broke the SFTP protocol (Malformed DATA packet)',
    );
    expect(failure.cause).toBe(cause);
  });

  it('names refused credentials as such, never retried', () => {
    const failure = classify(source, new Error('All configured authentication methods failed'));
    expect(failure).toMatchObject({ kind: 'auth' });
    expect(failure.message).toMatch(/^supplier@127\.0\.0\.1:2222 refused the credentials/);
  });

  it('keeps any other fault transient with its own words', () => {
    const failure = classify(source, socketError('ETIMEDOUT', 'connect ETIMEDOUT'));
    expect(failure).toMatchObject({ kind: 'transient', message: 'SFTP supplier@127.0.0.1:2222: connect ETIMEDOUT' });
  });
});
