/**
 * AWS SDK v3 clients from configuration. Credentials always come from the SDK's default provider
 * chain (environment, shared files, SSO, container or instance role); courant never reads or logs
 * them. Endpoints point at S3-compatible servers (path-style) or DynamoDB Local when set.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDbConfig, S3Config } from '../config/index.js';

/** Attempts per call, the first included, before an error reaches courant (standard retry mode). */
export const SDK_MAX_ATTEMPTS = 3;

const requestHandler = {
  // A server that does not answer at all is declared unreachable after this long per attempt (a
  // refused connection fails at once). The time also counts the request's wait for a pooled socket,
  // so it is a deadline against a server gone silent, several times what a burst of requests on a
  // slow, loaded machine waits, not a measure of speed.
  connectionTimeout: 10_000,
  // Idle time on an open socket (no byte received) before the attempt fails.
  requestTimeout: 60_000,
};

export function createS3Client(config: Pick<S3Config, 'region' | 'endpoint'>): S3Client {
  return new S3Client({
    region: config.region,
    maxAttempts: SDK_MAX_ATTEMPTS,
    requestHandler,
    ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true } : {}),
  });
}

export function createDynamoDbClient(config: Pick<DynamoDbConfig, 'region' | 'endpoint'>): DynamoDBClient {
  return new DynamoDBClient({
    region: config.region,
    maxAttempts: SDK_MAX_ATTEMPTS,
    requestHandler,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
  });
}

interface SdkErrorShape {
  readonly name?: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
}

/** The HTTP status of an SDK error, or undefined when no response arrived (network fault, timeout). */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as SdkErrorShape).$metadata?.httpStatusCode;
}

const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'SlowDown',
  'InternalError',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

/**
 * True when the service could not be reached or answered that it cannot serve now: no response
 * at all, a 5xx, a timeout or throttling that outlasted the SDK's retries.
 */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  if (e.name !== undefined && UNAVAILABLE_NAMES.has(e.name)) return true;
  // No HTTP response: connection refused or reset, DNS failure, socket timeout, body cut short.
  return status === undefined && (e.code !== undefined || e.name === 'Error' || e.name === 'AbortError');
}
