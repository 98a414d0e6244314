/**
 * Fetches a source URL and classifies what goes wrong: network faults, timeouts, 408, 429 and
 * 5xx are retryable (TransientIO); other 4xx are final (SourceRejected); a body past
 * `MAX_SOURCE_BODY_BYTES` is bad data (BadData). Messages name the URL.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../workflow-safe/errors.js';

export interface FetchedBody {
  readonly body: Uint8Array;
  readonly contentType: string | null;
  readonly etag: string | null;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * The largest body read from a source (bytes). The largest a source courant reads sends is a full
 * day of Paris's traffic counters, about 5 MB; a body past this is refused (BadData, never stored)
 * as soon as it passes it, without holding the rest.
 */
export const MAX_SOURCE_BODY_BYTES = 256 * 1024 * 1024;

const tooLarge = (url: string) =>
  ApplicationFailure.create({
    type: ErrorType.BadData,
    nonRetryable: true,
    message: `${url} answered a body of more than ${MAX_SOURCE_BODY_BYTES} bytes: no source courant reads sends that much, so it was not kept`,
  });

/** The body of `response`, refused once it passes `MAX_SOURCE_BODY_BYTES`. */
async function boundedBody(response: Response, url: string): Promise<Uint8Array> {
  if (Number(response.headers.get('content-length') ?? 0) > MAX_SOURCE_BODY_BYTES) {
    await response.body?.cancel();
    throw tooLarge(url);
  }
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const parts: Uint8Array[] = [];
  let bytes = 0;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    bytes += part.value.byteLength;
    if (bytes > MAX_SOURCE_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge(url);
    }
    parts.push(part.value);
  }
  const body = Buffer.concat(parts);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 600) * 1000 : undefined;
}

/** Fetches `url`; `observe` is told each request's HTTP status, or `error` when no answer came. */
export async function fetchSource(
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
  observe?: (code: number | 'error') => void,
): Promise<FetchedBody> {
  let response: Response;
  try {
    const timeout = AbortSignal.timeout(timeoutMs);
    response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    observe?.(response.status);
  } catch (error) {
    observe?.('error');
    throw ApplicationFailure.create({
      type: ErrorType.TransientIO,
      message: `could not reach ${url}`,
      cause: error instanceof Error ? error : undefined,
    });
  }
  if (!response.ok) {
    const excerpt = (await response.text()).slice(0, 300);
    const retryable = response.status >= 500 || RETRYABLE_STATUS.has(response.status);
    const delay = retryAfterMs(response.headers.get('retry-after'));
    throw ApplicationFailure.create({
      type: retryable ? ErrorType.TransientIO : ErrorType.SourceRejected,
      nonRetryable: !retryable,
      message: `${url} answered HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`,
      ...(retryable && delay !== undefined ? { nextRetryDelay: delay } : {}),
    });
  }
  return {
    body: await boundedBody(response, url),
    contentType: response.headers.get('content-type'),
    etag: response.headers.get('etag'),
  };
}
