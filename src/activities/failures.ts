/** Turns what went wrong in an activity into an ApplicationFailure that says how to retry. */
import { ApplicationFailure } from '@temporalio/common';
import { BadDataError, ErrorType, NoDataError } from '../workflow-safe/errors.js';

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

/** Rethrows BadDataError and NoDataError as non-retryable failures; anything else unchanged (retryable). */
export async function classifyingBadData<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BadDataError) throw badDataFailure(error);
    if (error instanceof NoDataError)
      throw ApplicationFailure.create({
        type: ErrorType.NoData,
        nonRetryable: true,
        message: error.message,
        cause: error,
      });
    throw error;
  }
}
