/**
 * The server's host key against known_hosts lines (OpenSSH's format: plain or hashed host patterns,
 * `[host]:port` for another port than 22, `@revoked` markers). A key that matches no line of its
 * host refuses the connection, whatever the reason: an unknown host, or a key that changed.
 */
import { createHash, createHmac } from 'node:crypto';

/** Why a host key was refused, or null when a line of its host carries it. */
export type HostKeyVerdict =
  { readonly accepted: true } | { readonly accepted: false; readonly reason: 'unknown-host' | 'changed' | 'revoked' };

interface KnownHostLine {
  readonly marker: '@revoked' | '@cert-authority' | null;
  readonly patterns: readonly string[];
  readonly key: Buffer;
}

function parseLine(line: string): KnownHostLine | null {
  const fields = line.trim().split(/\s+/);
  if (fields.length === 0 || fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return null;
  const marker = fields[0] === '@revoked' || fields[0] === '@cert-authority' ? fields[0] : null;
  const [hosts, , key] = marker ? fields.slice(1) : fields;
  if (hosts === undefined || key === undefined) return null;
  return { marker, patterns: hosts.split(','), key: Buffer.from(key, 'base64') };
}

/** How known_hosts names `host` on `port`. */
const hostName = (host: string, port: number) => (port === 22 ? host : `[${host}]:${port}`);

function matches(pattern: string, name: string): boolean {
  if (!pattern.startsWith('|1|')) return pattern === name;
  const [, , salt, hash] = pattern.split('|');
  if (salt === undefined || hash === undefined) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** Whether `key` (the server's key as the SSH protocol encodes it) is known for `host`:`port` in `knownHosts`. */
export function verifyHostKey(knownHosts: string, host: string, port: number, key: Buffer): HostKeyVerdict {
  const name = hostName(host, port);
  const lines = knownHosts
    .split('\n')
    .map(parseLine)
    .filter((l): l is KnownHostLine => l !== null && l.patterns.some((p) => matches(p, name)));
  if (lines.some((l) => l.marker === '@revoked' && l.key.equals(key))) return { accepted: false, reason: 'revoked' };
  const plain = lines.filter((l) => l.marker === null);
  if (plain.some((l) => l.key.equals(key))) return { accepted: true };
  return { accepted: false, reason: plain.length === 0 ? 'unknown-host' : 'changed' };
}

/** OpenSSH's fingerprint of a key: `SHA256:` and the unpadded base64 of its hash. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}
