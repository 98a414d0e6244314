/** Turns what went wrong in an activity into an ApplicationFailure that says how to retry. */
import { ApplicationFailure } from '@temporalio/common';
import { BadDataError, ErrorType } from '../shared/errors.js';

/** Bad data is final: retrying the same bytes cannot help. The location travels as details. */
export function badDataFailure(error: BadDataError): ApplicationFailure {
  return ApplicationFailure.create({
    type: ErrorType.BadData,
    nonRetryable: true,
    message: error.message,
    details: [error.location],
    cause: error,
  });
}

/** Rethrows BadDataError as a non-retryable failure; anything else unchanged (retryable). */
export async function classifyingBadData<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BadDataError) throw badDataFailure(error);
    throw error;
  }
}
