/** The BadDataError a piece of work throws; fails the test when it throws nothing or something else. */
import { BadDataError } from '../../src/workflow-safe/errors.js';

export function badDataFrom(work: () => unknown): BadDataError {
  try {
    work();
  } catch (error) {
    if (error instanceof BadDataError) return error;
    throw error;
  }
  throw new Error('expected a BadDataError, nothing was thrown');
}

/** {@link badDataFrom} for work that returns a promise. */
export async function badDataFromAsync(work: () => Promise<unknown>): Promise<BadDataError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof BadDataError) return error;
    throw error;
  }
  throw new Error('expected a BadDataError, nothing was thrown');
}
