/** The SFTP pickup's configuration and its host key check, without a server. */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { sftpPickupSchedule } from '../../src/schedules/sftp-pickup-schedule.js';
import { fingerprint, verifyHostKey } from '../../src/sftp/known-hosts.js';
import { ed25519KeyPair } from '../support/ssh-keys.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env, DATASET_MODULES);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
};

describe('the SFTP variables', () => {
  it('name every variable a configured server lacks', () => {
    expect(problems({ ENEDIS_SFTP_HOST: 'sftp.example.com' })).toEqual([
      'ENEDIS_SFTP_USER: required with ENEDIS_SFTP_HOST',
      'ENEDIS_SFTP_PRIVATE_KEY(_FILE) or ENEDIS_SFTP_PASSWORD(_FILE): required with ENEDIS_SFTP_HOST',
      "ENEDIS_SFTP_KNOWN_HOSTS(_FILE): required with ENEDIS_SFTP_HOST (the server's host key, e.g. from ssh-keyscan, checked at every connection)",
    ]);
    expect(
      problems({
        ENEDIS_SFTP_HOST: 'sftp.example.com',
        ENEDIS_SFTP_USER: 'supplier',
        ENEDIS_SFTP_PASSWORD: 'secret',
        ENEDIS_SFTP_PASSWORD_FILE: '/run/secrets/sftp',
        ENEDIS_SFTP_KNOWN_HOSTS_FILE: '/etc/courant/known_hosts',
        ENEDIS_SFTP_PATTERN: '(',
        ENEDIS_AES_KEY: 'not hex',
      }),
    ).toEqual([
      'ENEDIS_AES_KEY: must be 32, 48 or 64 hex digits',
      'ENEDIS_SFTP_PATTERN: must be a regular expression',
      'ENEDIS_SFTP_PASSWORD: set either it or ENEDIS_SFTP_PASSWORD_FILE, not both',
      'ENEDIS_AES_IV: required with ENEDIS_AES_KEY (encrypted deliveries are decrypted with both)',
    ]);
  });

  it('configure no server by default, and one with its defaults once its host, user, key and known_hosts are set', () => {
    expect(loadConfig({}, DATASET_MODULES).sftp).toEqual({});
    const config = loadConfig(
      {
        ENEDIS_SFTP_HOST: 'sftp.example.com',
        ENEDIS_SFTP_USER: 'supplier',
        ENEDIS_SFTP_PRIVATE_KEY_FILE: '/run/secrets/sftp_key',
        ENEDIS_SFTP_KNOWN_HOSTS: 'sftp.example.com ssh-ed25519 AAAA',
      },
      DATASET_MODULES,
    );
    expect(config.sftp.enedis).toEqual({
      dataset: 'enedis',
      host: 'sftp.example.com',
      port: 22,
      user: 'supplier',
      auth: { privateKey: { file: '/run/secrets/sftp_key' } },
      knownHosts: { value: 'sftp.example.com ssh-ed25519 AAAA' },
      remoteDir: '.',
      pattern: '^[^.]',
      deleteAfterPickup: false,
      settleSeconds: 15,
      stallSeconds: 60,
    });
    expect(config.schedules.sftpPickup).toEqual({ scheduleId: 'courant-sftp-pickup', everySeconds: 30 });
    expect(sftpPickupSchedule({ ...config.schedules.sftpPickup, taskQueue: 'q' }).shape).toMatchObject({
      every: '30s',
      workflow: 'sftpPickup',
      overlap: 'SKIP',
    });
  });
});

describe('the host key check', () => {
  const key = () => {
    const pair = ed25519KeyPair();
    const [type = '', base64 = ''] = pair.public.split(' ');
    return { line: `${type} ${base64}`, blob: Buffer.from(base64, 'base64') };
  };
  const server = key();
  const other = key();

  it('accepts the known key of the host on its port, plain or hashed', () => {
    expect(verifyHostKey(`[sftp.example.com]:2222 ${server.line}\n`, 'sftp.example.com', 2222, server.blob)).toEqual({
      accepted: true,
    });
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('sftp.example.com').digest('base64');
    const hashed = `|1|${salt.toString('base64')}|${hash} ${server.line}`;
    expect(verifyHostKey(`# comment\n${hashed}\n`, 'sftp.example.com', 22, server.blob).accepted).toBe(true);
  });

  it('refuses a changed key, an unknown host and a revoked key, saying which', () => {
    const known = `sftp.example.com ${other.line}\n`;
    expect(verifyHostKey(known, 'sftp.example.com', 22, server.blob)).toEqual({ accepted: false, reason: 'changed' });
    expect(verifyHostKey(known, 'sftp.example.com', 2222, server.blob)).toEqual({
      accepted: false,
      reason: 'unknown-host',
    });
    expect(
      verifyHostKey(
        `@revoked sftp.example.com ${server.line}\nsftp.example.com ${server.line}\n`,
        'sftp.example.com',
        22,
        server.blob,
      ),
    ).toEqual({ accepted: false, reason: 'revoked' });
    expect(fingerprint(server.blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
