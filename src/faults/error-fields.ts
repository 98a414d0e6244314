/**
 * An error as a log wants it: what it is, what it says, the Temporal failure type, the driver's
 * code, and the same for each cause under it — an Error given to JSON.stringify keeps none of that.
 */
import { causeChain } from './cause-chain.js';

export interface ErrorFields {
  /** The class (or `name`) of the error. */
  readonly type: string;
  readonly message: string;
  /** ApplicationFailure's type (e.g. StorageMisconfigured). */
  readonly failureType?: string;
  readonly nonRetryable?: boolean;
  /** A system or driver error's code (ECONNREFUSED, a MongoDB error number) and its name. */
  readonly code?: string | number;
  readonly codeName?: string;
  readonly path?: string;
  readonly stack?: string;
  /** Each cause under the error, outermost first, without stacks. */
  readonly causes?: readonly ErrorFields[];
}

function levelFields(error: Error): ErrorFields {
  const own = error as unknown as Record<string, unknown>;
  const pick = <T extends string>(key: string, kind: T) => (typeof own[key] === kind ? { [key]: own[key] } : {});
  const code = own.code;
  return {
    type: error.constructor.name,
    message: error.message,
    ...(typeof own.type === 'string' && own.type !== '' ? { failureType: own.type } : {}),
    ...pick('nonRetryable', 'boolean'),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...pick('codeName', 'string'),
    ...pick('path', 'string'),
  };
}

/** The fields of an error and of its causes; any other value is returned as it is. */
export function errorFields(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const causes = causeChain(value)
    .slice(1)
    .filter((level): level is Error => level instanceof Error)
    .map(levelFields);
  return {
    ...levelFields(value),
    ...(value.stack ? { stack: value.stack } : {}),
    ...(causes.length > 0 ? { causes } : {}),
  };
}

/** A log record's fields with each error among them turned into ErrorFields. */
export function withErrorFields(meta: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(meta).map(([key, value]) => [key, errorFields(value)]));
}
