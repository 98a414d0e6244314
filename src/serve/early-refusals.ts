/**
 * Refusals made before a route is chosen, in the console's problem format with its security
 * headers like every other: a request the HTTP parser refuses (headers or request line past Node's
 * 16 KiB, a method it does not know, malformed HTTP), and a method the path has no route for (405,
 * with `Allow`).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError } from 'fastify';
import FindMyWay from 'find-my-way';
import type { Logger } from 'pino';
import { problem, PROBLEM_CONTENT_TYPE, type Problem } from './problems.js';
import { securityHeaders } from './security-headers.js';

/**
 * The target of the request line at the start of the bytes the parser gave up on (a Buffer, though
 * typed as its JSON form), when there is one. Never logged: they may carry a token.
 */
function requestTarget(rawPacket: unknown): string | null {
  if (!Buffer.isBuffer(rawPacket)) return null;
  return /^[A-Z-]+ (\S+)/.exec(rawPacket.subarray(0, 64 * 1024).toString('latin1'))?.[1] ?? null;
}

/** The problem a request the HTTP parser refused answers with. */
export function clientErrorProblem(error: ConnectionError, maxUrlLength: number): Problem {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      if ((requestTarget(error.rawPacket)?.length ?? 0) > maxUrlLength)
        return problem(414, 'uri-too-long', `the URL is longer than ${maxUrlLength} characters`);
      return problem(431, 'headers-too-large', 'the request line and headers are larger than 16 KiB');
    case 'HPE_INVALID_METHOD':
      return problem(501, 'method-not-implemented', 'the request method is not one HTTP servers know');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problem(408, 'request-timeout', 'the request did not arrive in time');
    default:
      return problem(400, 'bad-request', 'the request is not well-formed HTTP');
  }
}

/** Answers a request the HTTP parser refused, then closes the connection (the server's 'clientError'). */
export function clientErrorAnswer(logger: Logger, maxUrlLength: number) {
  return (error: ConnectionError, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const refusal = clientErrorProblem(error, maxUrlLength);
    logger.info({ code: error.code, status: refusal.status }, 'console request refused by the HTTP parser');
    const body = JSON.stringify(refusal);
    const head = [
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Error'}`,
      `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      ...Object.entries(securityHeaders()).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  };
}

/** The methods every route answers: GET, and HEAD with it. */
export const ROUTE_METHODS = ['GET', 'HEAD'] as const;

/** The paths the console routes, to tell a method a path has no route for (405) from a path that has none (404). */
export function routedPaths() {
  const router = FindMyWay();
  return {
    add(url: string): void {
      router.on('GET', url, () => undefined);
    },
    /** True when some route answers `path` (a URL path, without its query). */
    has(path: string): boolean {
      return router.find('GET', path) !== null;
    },
  };
}
