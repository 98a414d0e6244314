/**
 * Bearer tokens (SERVE_TOKENS): each presented token is hashed and compared in constant time with
 * the hash of every configured one, so that neither the match nor its position leaks through
 * timing. Tokens are never logged; a token in the query string is refused, since URLs end up in
 * logs and browser histories.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** Query parameters that look like a credential. */
export const CREDENTIAL_PARAMETERS = ['token', 'access_token', 'api_key', 'apikey', 'key', 'bearer', 'auth'] as const;

export interface TokenCheck {
  /** The index of the configured token the `Authorization` header carries, or null. */
  match(authorization: string | undefined): number | null;
}

export function tokenCheck(tokens: readonly string[]): TokenCheck {
  const digests = tokens.map(digest);
  return {
    match(authorization) {
      // The scheme is case-insensitive (RFC 9110 §11.1): `bearer`, `Bearer` and `BEARER` are one.
      const presented = /^Bearer +([^\s]{1,512})$/i.exec(authorization ?? '')?.[1];
      if (presented === undefined) return null;
      const candidate = digest(presented);
      let found: number | null = null;
      digests.forEach((known, index) => {
        if (timingSafeEqual(known, candidate) && found === null) found = index;
      });
      return found;
    },
  };
}

/** The credential-like parameter names a query string carries. */
export function credentialsInQuery(url: string): string[] {
  const at = url.indexOf('?');
  if (at < 0) return [];
  const names = [...new URLSearchParams(url.slice(at + 1)).keys()].map((n) => n.toLowerCase());
  return CREDENTIAL_PARAMETERS.filter((name) => names.includes(name));
}
