/**
 * Ed25519 key pairs for the SFTP tests. ssh2's generateKeyPairSync('ed25519') drops the leading
 * zero bytes of a public key that starts with one (about one key in 256), giving a key that
 * neither ssh2 nor sshd reads: such a pair is made again.
 */
import ssh2 from 'ssh2';

/** Tries before giving up: a bad pair every time means something else is wrong. */
const ATTEMPTS = 16;

export function ed25519KeyPair(): { readonly private: string; readonly public: string } {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    const unreadable = [pair.private, pair.public]
      .map((key) => ssh2.utils.parseKey(key))
      .find((k) => k instanceof Error);
    if (!unreadable) return pair;
  }
  throw new Error(`ssh2 made ${ATTEMPTS} unreadable ed25519 key pairs in a row`);
}
