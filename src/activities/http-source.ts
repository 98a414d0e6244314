/**
 * Fetches a source URL and classifies what goes wrong: network faults, timeouts, 408, 429 and
 * 5xx are retryable (TransientIO); other 4xx are final (SourceRejected). Messages name the URL.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../shared/errors.js';

export interface FetchedBody {
  readonly body: Uint8Array;
  readonly contentType: string | null;
  readonly etag: string | null;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

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
    body: new Uint8Array(await response.arrayBuffer()),
    contentType: response.headers.get('content-type'),
    etag: response.headers.get('etag'),
  };
}
