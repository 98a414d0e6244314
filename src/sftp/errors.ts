/** How an SFTP failure is classified, where it happens. */

/**
 * How an SFTP failure may be retried: `host-key`, `auth` and `config` (a secret file unreadable, a
 * remote folder that does not exist: the message names the variable) never heal by retrying;
 * `file`: the server answered a request on one file with a status (no such file, permission
 * denied, failure), a fault of that file alone, the connection still sound.
 */
export type SftpFailureKind = 'host-key' | 'auth' | 'config' | 'transient' | 'file';

export class SftpError extends Error {
  override readonly name = 'SftpError';
  constructor(
    readonly kind: SftpFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
