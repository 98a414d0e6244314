/**
 * The SFTP pickup's settings refused before any pickup: the settle and stall times checked, and
 * secret files that cannot be read or a private key that does not parse, each naming its variable.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { checkSftpSecrets } from '../../src/sftp/secrets.js';
import { ed25519KeyPair } from '../support/ssh-keys.js';

const SERVER = {
  ENEDIS_SFTP_HOST: 'sftp.example.com',
  ENEDIS_SFTP_USER: 'supplier',
  ENEDIS_SFTP_KNOWN_HOSTS: 'sftp.example.com ssh-ed25519 AAAA',
};

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env, DATASET_MODULES);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
};

/** The problems checkSftpSecrets finds in a server configured by `env`. */
async function secretProblems(env: Record<string, string>): Promise<readonly string[]> {
  const config = loadConfig({ ...SERVER, ...env }, DATASET_MODULES);
  return checkSftpSecrets(config.sftp).then(
    () => [],
    (error: unknown) => {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems;
    },
  );
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-sftp-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the settle and stall times', () => {
  it('default to a minute each, and take 0 s of settling', () => {
    const config = loadConfig({ ...SERVER, ENEDIS_SFTP_PASSWORD: 'secret' }, DATASET_MODULES);
    expect(config.sftp.enedis).toMatchObject({ settleSeconds: 15, stallSeconds: 60 });
    const eager = loadConfig(
      { ...SERVER, ENEDIS_SFTP_PASSWORD: 'secret', ENEDIS_SFTP_SETTLE_SECONDS: '0', ENEDIS_SFTP_STALL_SECONDS: '5' },
      DATASET_MODULES,
    );
    expect(eager.sftp.enedis).toMatchObject({ settleSeconds: 0, stallSeconds: 5 });
  });

  it('refuse what is not a whole number of seconds in range, naming the variable', () => {
    expect(problems({ ENEDIS_SFTP_SETTLE_SECONDS: '-1', ENEDIS_SFTP_STALL_SECONDS: '0' })).toEqual([
      'ENEDIS_SFTP_SETTLE_SECONDS: Too small: expected number to be >=0',
      'ENEDIS_SFTP_STALL_SECONDS: Too small: expected number to be >=1',
    ]);
    expect(problems({ ENEDIS_SFTP_SETTLE_SECONDS: '1.5' })).toEqual([
      'ENEDIS_SFTP_SETTLE_SECONDS: Invalid input: expected int, received number',
    ]);
  });
});

describe("a server's secret files, checked when a worker starts", () => {
  it('are refused when missing, a folder or not a key, naming the variable and the file', async () => {
    const folder = path.join(dir, 'folder');
    await mkdir(folder, { recursive: true });
    const garbage = path.join(dir, 'garbage');
    await writeFile(garbage, 'not a key\n');
    const missing = path.join(dir, 'missing');
    expect(await secretProblems({ ENEDIS_SFTP_PRIVATE_KEY_FILE: missing })).toEqual([
      `ENEDIS_SFTP_PRIVATE_KEY_FILE: cannot read ${missing} (no such file)`,
    ]);
    expect(await secretProblems({ ENEDIS_SFTP_PRIVATE_KEY_FILE: folder })).toEqual([
      `ENEDIS_SFTP_PRIVATE_KEY_FILE: cannot read ${folder} (a folder, not a file)`,
    ]);
    expect(await secretProblems({ ENEDIS_SFTP_PRIVATE_KEY_FILE: garbage })).toEqual([
      `ENEDIS_SFTP_PRIVATE_KEY_FILE: ${garbage} is not a private key without passphrase (OpenSSH or PEM): Unsupported key format`,
    ]);
    expect(await secretProblems({ ENEDIS_SFTP_PRIVATE_KEY: 'not a key' })).toEqual([
      'ENEDIS_SFTP_PRIVATE_KEY: its value is not a private key without passphrase (OpenSSH or PEM): Unsupported key format',
    ]);
    expect(
      await secretProblems({
        ENEDIS_SFTP_PASSWORD: 'secret',
        ENEDIS_SFTP_KNOWN_HOSTS: '',
        ENEDIS_SFTP_KNOWN_HOSTS_FILE: missing,
      }),
    ).toEqual([`ENEDIS_SFTP_KNOWN_HOSTS_FILE: cannot read ${missing} (no such file)`]);
  });

  it('pass when readable and the key parses', async () => {
    const file = path.join(dir, 'id_ed25519');
    await writeFile(file, ed25519KeyPair().private, { mode: 0o600 });
    expect(await secretProblems({ ENEDIS_SFTP_PRIVATE_KEY_FILE: file })).toEqual([]);
  });
});
