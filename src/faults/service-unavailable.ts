/**
 * A service courant needs at start (Temporal, the document store, S3, DynamoDB) that cannot be
 * reached: one message naming the service, its address and the variable that sets it.
 */
import { ErrorType } from '../workflow-safe/errors.js';
import { causeChain, systemErrorFields } from './cause-chain.js';

/** A service as the configuration names it. */
export interface ServiceAddress {
  readonly service: string;
  /** Where courant looked for it, without credentials. */
  readonly address: string;
  readonly variable: string;
}

export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
  readonly type = ErrorType.ServiceUnavailable;
  readonly service: string;
  readonly address: string;
  readonly variable: string;

  constructor(where: ServiceAddress, options: { cause: unknown }) {
    super(
      `cannot reach ${where.service} at ${where.address} (${where.variable}): ${shortReason(options.cause)}; ` +
        `start it or set ${where.variable}`,
      options,
    );
    this.service = where.service;
    this.address = where.address;
    this.variable = where.variable;
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
const NETWORK_ERROR_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'TimeoutError',
  'TransportError',
]);

/** Whether an error (or a cause under it) is a network fault rather than an answer from the service. */
export function isNetworkFault(error: unknown): boolean {
  return causeChain(error).some((level) => {
    const code = systemErrorFields(level)?.code;
    if (code !== undefined && NETWORK_CODES.has(code)) return true;
    return level instanceof Error && NETWORK_ERROR_NAMES.has(level.name);
  });
}

function shortReason(cause: unknown): string {
  for (const level of causeChain(cause)) {
    const code = systemErrorFields(level)?.code;
    if (code !== undefined && NETWORK_CODES.has(code)) return code;
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return (message.split('\n')[0] ?? message).slice(0, 200);
}

/** Runs a connection step; any failure becomes ServiceUnavailableError for `where`. */
export async function connecting<T>(where: ServiceAddress, connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (error) {
    throw new ServiceUnavailableError(where, { cause: error });
  }
}

/** Runs a start-up step against a service; a network fault becomes ServiceUnavailableError, anything else passes. */
export async function reaching<T>(where: ServiceAddress, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isNetworkFault(error)) throw new ServiceUnavailableError(where, { cause: error });
    throw error;
  }
}
