/**
 * `courant worker` refuses to start, exit status 2 naming the variable, when the SFTP pickup's
 * settings cannot work: an SFTP private key file that cannot be read, an Enedis AES key without
 * its IV. Nothing is connected first: the check needs no server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-sftp-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('courant worker with SFTP settings that cannot work', () => {
  it('exits 2 naming the private key file it cannot read', async () => {
    const missing = path.join(dir, 'id_ed25519');
    const r = await runCli(['worker'], {
      DATA_DIR: path.join(dir, 'data'),
      ENEDIS_SFTP_HOST: 'sftp.example.com',
      ENEDIS_SFTP_USER: 'supplier',
      ENEDIS_SFTP_PRIVATE_KEY_FILE: missing,
      ENEDIS_SFTP_KNOWN_HOSTS: 'sftp.example.com ssh-ed25519 AAAA',
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`ENEDIS_SFTP_PRIVATE_KEY_FILE: cannot read ${missing} (no such file)`);
  });

  it('exits 2 naming the AES IV missing beside the key', async () => {
    const r = await runCli(['worker'], { DATA_DIR: path.join(dir, 'data'), ENEDIS_AES_KEY: 'ab'.repeat(16) });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('ENEDIS_AES_IV: required with ENEDIS_AES_KEY');
  });
});
