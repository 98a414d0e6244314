/**
 * The secrets of a dataset's SFTP server: its private key or password and its known_hosts, each
 * from its variable or from the file its `…_FILE` variable names (read at each connection, so that
 * a rotated file is used without a restart). A file that is missing, unreadable or a folder, and a
 * private key that does not parse, are faults of the configuration: `SftpError` of kind `config`,
 * naming the variable, never retried.
 */
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import { ConfigError } from '../config/index.js';
import { sftpPrefix, type Given, type SftpSourceConfig } from '../config/sftp.js';
import { SftpError } from './errors.js';

export interface SftpSecrets {
  readonly knownHosts: string;
  readonly auth: { readonly privateKey: string } | { readonly password: string };
}

/** The variable that gave `given`: `name` itself or `name_FILE`. */
const variableOf = (given: Given, name: string) => ('value' in given ? name : `${name}_FILE`);

function unreadable(code: string): string {
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'a folder, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code;
}

async function read(given: Given, name: string): Promise<string> {
  if ('value' in given) return given.value;
  try {
    return await readFile(given.file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new SftpError('config', `${name}_FILE: cannot read ${given.file} (${unreadable(code)})`, { cause: error });
  }
}

/** Reads the server's secrets now; throws SftpError (`config`) naming the variable at fault. */
export async function readSftpSecrets(source: SftpSourceConfig): Promise<SftpSecrets> {
  const prefix = sftpPrefix(source.dataset);
  const knownHosts = await read(source.knownHosts, `${prefix}_KNOWN_HOSTS`);
  if ('password' in source.auth)
    return { knownHosts, auth: { password: await read(source.auth.password, `${prefix}_PASSWORD`) } };
  const given = source.auth.privateKey;
  const privateKey = await read(given, `${prefix}_PRIVATE_KEY`);
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    const variable = variableOf(given, `${prefix}_PRIVATE_KEY`);
    const what = 'file' in given ? given.file : 'its value';
    throw new SftpError(
      'config',
      `${variable}: ${what} is not a private key without passphrase (OpenSSH or PEM): ${parsed.message}`,
      { cause: parsed },
    );
  }
  return { knownHosts, auth: { privateKey } };
}

/** At a worker's start: every configured server's secrets readable, else a ConfigError naming each variable at fault. */
export async function checkSftpSecrets(sources: Readonly<Record<string, SftpSourceConfig>>): Promise<void> {
  const faults: SftpError[] = [];
  for (const source of Object.values(sources))
    await readSftpSecrets(source).catch((error: unknown) => {
      if (!(error instanceof SftpError)) throw error;
      faults.push(error);
    });
  if (faults.length > 0)
    throw new ConfigError(
      faults.map((f) => f.message),
      { cause: faults[0] },
    );
}
