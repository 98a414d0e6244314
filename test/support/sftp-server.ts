/**
 * A real SFTP server for a test file: OpenSSH's sshd (Debian's openssh-server, installed by
 * scripts/install-tools.sh) serving its internal-sftp only, on a free loopback port, as a child
 * process in the foreground (never a daemon), with a host key and a user key generated for it in
 * a temporary folder, stopped and removed at the end. The user is the test's own: sshd started by
 * a user logs that user in only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, isListening } from '../../src/stack/ports.js';
import { ed25519KeyPair } from './ssh-keys.js';

/** Debian installs sshd here; SSHD_PATH overrides it. */
const SSHD = process.env.SSHD_PATH ?? '/usr/sbin/sshd';

export interface SftpTestServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The folder the server serves files from (absolute), the remote directory of the tests. */
  readonly remoteDir: string;
  /** The user's private key (OpenSSH format). */
  readonly privateKey: string;
  /** A known_hosts line holding the server's host key. */
  readonly knownHosts: string;
  /** A known_hosts line giving this host another key: as if the server's key had changed. */
  readonly changedKnownHosts: string;
  /**
   * The variables that point the Enedis pickup at this server (through `port` when given), with
   * no settle time: a file written by the test is fetched by the pickup that follows at once.
   */
  enedisEnv(port?: number): Record<string, string>;
  stop(): Promise<void>;
}

const publicLine = (key: string) => key.trim().split(/\s+/).slice(0, 2).join(' ');

export async function startSftpServer(): Promise<SftpTestServer> {
  if (!existsSync(SSHD))
    throw new Error(`no sshd at ${SSHD}: run bash scripts/install-tools.sh sshd (or set SSHD_PATH)`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-sshd-'));
  const remoteDir = path.join(dir, 'remote');
  await mkdir(remoteDir);
  const host = ed25519KeyPair();
  const other = ed25519KeyPair();
  const user = ed25519KeyPair();
  await writeFile(path.join(dir, 'host_key'), host.private, { mode: 0o600 });
  await writeFile(path.join(dir, 'authorized_keys'), `${user.public}\n`, { mode: 0o600 });
  const port = await freePort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${path.join(dir, 'host_key')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'AllowTcpForwarding no',
    'X11Forwarding no',
    'Subsystem sftp internal-sftp',
    'ForceCommand internal-sftp',
    'LogLevel ERROR',
  ];
  await writeFile(path.join(dir, 'sshd_config'), `${config.join('\n')}\n`);
  // sshd run by root wants its privilege-separation folder, which a container's /run may lack.
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let tries = 0; !(await isListening('127.0.0.1', port)); tries += 1) {
    if (child.exitCode !== null || tries > 500) {
      child.kill('SIGKILL');
      throw new Error(`sshd did not start on port ${port}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const name = `[127.0.0.1]:${port}`;
  const self = os.userInfo().username;
  return {
    host: '127.0.0.1',
    port,
    user: self,
    remoteDir,
    privateKey: user.private,
    knownHosts: `${name} ${publicLine(host.public)}\n`,
    changedKnownHosts: `${name} ${publicLine(other.public)}\n`,
    enedisEnv(through = port) {
      const line = `${through === 22 ? '127.0.0.1' : `[127.0.0.1]:${through}`} ${publicLine(host.public)}`;
      return {
        ENEDIS_SFTP_HOST: '127.0.0.1',
        ENEDIS_SFTP_PORT: String(through),
        ENEDIS_SFTP_USER: self,
        ENEDIS_SFTP_PRIVATE_KEY: user.private,
        ENEDIS_SFTP_KNOWN_HOSTS: line,
        ENEDIS_SFTP_DIR: remoteDir,
        ENEDIS_SFTP_SETTLE_SECONDS: '0',
      };
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
