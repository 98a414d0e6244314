/**
 * The console's security headers (helmet): a CSP with no external source and no script but the
 * tooltip's (by hash), nosniff, frame-ancestors 'none', no referrer, same-origin resources. The
 * server's hooks set them on every answer; `securityHeaders()` gives the same headers for the few
 * answers written before any hook runs (a URL that cannot be decoded, a request the HTTP parser
 * refuses), so that no refusal goes out without them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import { TOOLTIP_SCRIPT_SOURCE } from '../reports/html/tooltip.js';

const CONSOLE_CSP = {
  defaultSrc: ["'none'"],
  styleSrc: ["'unsafe-inline'"],
  imgSrc: ['data:'],
  scriptSrc: [TOOLTIP_SCRIPT_SOURCE],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

export const HELMET_OPTIONS = {
  contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
} satisfies HelmetOptions;

function helmetHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name];
    },
  };
  helmet(HELMET_OPTIONS)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error('helmet failed', { cause: error });
  });
  return headers;
}

let computed: Readonly<Record<string, string>> | null = null;

/** The headers helmet sets on every answer, by name. */
export function securityHeaders(): Readonly<Record<string, string>> {
  computed ??= helmetHeaders();
  return computed;
}
