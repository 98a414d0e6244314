/**
 * Failure logs keep the error: its type, message, Temporal failure type and a driver's code, with
 * every cause — through pino directly and through the Temporal SDK's logger (where "Activity
 * failed" used to log `"error":{"errorLabelSet":{}}` and "Workflow failed" `"error":{}`).
 */
import { PassThrough } from 'node:stream';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { MongoClient } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorType } from '../../src/workflow-safe/errors.js';
import { createLogger } from '../../src/workers/logger.js';
import { forwardSdkLogs } from '../../src/workers/temporal-runtime.js';

/** A logger writing JSON lines to memory, and the records written so far. */
function memoryLogger() {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const logger = createLogger('info', stream);
  const records = () => {
    logger.flush();
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  };
  return { logger, records };
}

/** The error the MongoDB driver really raises when the document store is gone. */
async function mongoSelectionError(): Promise<Error> {
  const client = new MongoClient('mongodb://127.0.0.1:1/courant', { serverSelectionTimeoutMS: 100 });
  try {
    await client.connect();
  } catch (error) {
    if (error instanceof Error) return error;
  } finally {
    await client.close();
  }
  throw new Error('connecting to a closed port succeeded');
}

let driverError: Error;

beforeAll(async () => {
  driverError = await mongoSelectionError();
});

function failedActivity(): ActivityFailure {
  const failure = ApplicationFailure.create({
    type: ErrorType.TransientIO,
    message: 'could not record the day run',
    cause: driverError,
  });
  return new ActivityFailure(
    'activity failed',
    'recordDayRun',
    '3',
    RetryState.MAXIMUM_ATTEMPTS_REACHED,
    undefined,
    failure,
  );
}

describe('failure logs keep the error', () => {
  it('through the Temporal SDK logger: "Activity failed" names the failure type and the driver error', () => {
    const { logger, records } = memoryLogger();
    forwardSdkLogs(logger)({
      level: 'WARN',
      message: 'Activity failed',
      timestampNanos: 0n,
      meta: { error: failedActivity(), activityType: 'recordDayRun' },
    });

    const [record] = records();
    expect(record).toMatchObject({ component: 'temporal', msg: 'Activity failed', activityType: 'recordDayRun' });
    const error = record?.error as Record<string, unknown>;
    expect(error).toMatchObject({ type: 'ActivityFailure', message: 'activity failed' });
    expect(error.stack).toContain('ActivityFailure');
    expect(error.causes).toEqual([
      expect.objectContaining({
        type: 'ApplicationFailure',
        failureType: ErrorType.TransientIO,
        message: 'could not record the day run',
      }),
      expect.objectContaining({ type: 'MongoServerSelectionError', message: driverError.message }),
      expect.objectContaining({ type: 'MongoNetworkError' }),
      expect.objectContaining({ type: 'Error', code: 'ECONNREFUSED' }),
    ]);
  });

  it('through pino under err: a driver error keeps its code and a system cause its code', () => {
    const { logger, records } = memoryLogger();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const wrapped = new Error('could not read the day runs', { cause: refused });
    logger.error({ err: wrapped }, 'status failed');
    logger.error(
      { err: Object.assign(new Error('E11000 duplicate key'), { code: 11000, codeName: 'DuplicateKey' }) },
      'x',
    );

    const [first, second] = records();
    expect(first?.err).toMatchObject({
      type: 'Error',
      message: 'could not read the day runs',
      causes: [{ type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED' }],
    });
    expect(second?.err).toMatchObject({ code: 11000, codeName: 'DuplicateKey', message: 'E11000 duplicate key' });
  });

  it('leaves fields that are not errors as they are', () => {
    const { logger, records } = memoryLogger();
    logger.info({ error: 'a plain string', count: 3 }, 'note');
    expect(records()[0]).toMatchObject({ error: 'a plain string', count: 3 });
  });
});
