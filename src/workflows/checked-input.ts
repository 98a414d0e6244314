/** A workflow's input through its pure check; a bad input fails the run at once (retrying cannot fix it). */
import { ApplicationFailure } from '@temporalio/workflow';
import { ErrorType } from '../workflow-safe/errors.js';
import { InvalidInputError } from '../workflow-safe/inputs.js';

export function checkedInput<T>(check: (raw: unknown) => T, raw: unknown): T {
  try {
    return check(raw);
  } catch (error) {
    if (error instanceof InvalidInputError)
      throw ApplicationFailure.nonRetryable(error.message, ErrorType.InvalidInput);
    throw error;
  }
}
