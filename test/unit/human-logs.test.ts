/**
 * Human log lines (LOG_FORMAT=pretty, or a terminal): the real pino logger and the real Temporal SDK
 * adapter write through the formatter, as in `courant demo` and `courant dev`.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { LogEntry, LogLevel } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { humanLogDestination, resolveLogFormat } from '../../src/cli/human-logs.js';
import { createLogger } from '../../src/workers/logger.js';
import { forwardSdkLogs } from '../../src/workers/temporal-runtime.js';

/** A logger at `level` writing human lines to memory, and the lines written so far. */
function humanLogger(level = 'info') {
  const lines: string[] = [];
  const sink = { write: (text: string) => lines.push(...text.split('\n').filter(Boolean)) };
  const logger = createLogger(level, humanLogDestination(sink, { verbose: level === 'debug' || level === 'trace' }));
  return { logger, sdk: forwardSdkLogs(logger), lines };
}

/** A log entry as the SDK hands it to the Runtime logger. */
const entry = (level: LogLevel, message: string, meta: LogEntry['meta']): LogEntry => ({
  level,
  message,
  meta,
  timestampNanos: 0n,
});

/** What the SDK's activity logger attaches to every record of an activity. */
const ACTIVITY_META = {
  sdkComponent: 'activity',
  taskQueue: 'courant',
  isLocal: false,
  attempt: 1,
  namespace: 'default',
  taskToken: 'CiQwMWEyMDgxYi0yYjFlLTcwZDUtYjIxMS0yY2Y3Mjk5NmU0ODQSFmRheS9lY28ybWl4LzIwMjEtMTItMTU',
  activityId: '3',
  activityType: 'downloadSource',
  workflowId: 'day/eco2mix/2021-12-15',
  workflowRunId: '01a2081b-32b5-734b-9474-ba9568041022',
  workflowType: 'datasetDay',
};

const isJson = (line: string) => {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
};

describe('human log lines', () => {
  it("leave out the Temporal SDK's info chatter at LOG_LEVEL=info, and keep courant's own info lines", () => {
    const { logger, sdk, lines } = humanLogger();
    sdk(entry('INFO', 'Worker state changed', { sdkComponent: 'worker', state: 'RUNNING' }));
    sdk(entry('INFO', 'downloaded source', { ...ACTIVITY_META, key: 'raw/x.csv', bytes: 10 }));
    logger.info({ what: 'document store', host: '127.0.0.1', port: 27017 }, 'started the embedded document store');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d INFO {2}started the embedded document store \(host=127\.0\.0\.1 port=27017\)$/,
    );
  });

  it('show a warning of an activity as one line with its activity, attempt, workflow and error, without tokens or run IDs', () => {
    const { sdk, lines } = humanLogger();
    const error = ApplicationFailure.create({
      type: 'SourceUnavailable',
      message: 'the source answered 503',
      cause: new Error('socket hang up'),
    });
    sdk(entry('WARN', 'Activity failed', { ...ACTIVITY_META, attempt: 2, error }));
    expect(lines).toHaveLength(1);
    const [line = ''] = lines;
    expect(line).toMatch(/^\d\d:\d\d:\d\d WARN {2}Activity failed /);
    expect(line).toContain('(workflow=day/eco2mix/2021-12-15 activity=downloadSource attempt=2)');
    expect(line).toContain(': the source answered 503: socket hang up');
    for (const internal of [ACTIVITY_META.taskToken, ACTIVITY_META.workflowRunId, 'taskToken', 'datasetDay', '{'])
      expect(line).not.toContain(internal);
  });

  it("show the SDK's info lines, still without internals, when LOG_LEVEL asks for debug", () => {
    const { sdk, lines } = humanLogger('debug');
    sdk(entry('INFO', 'downloaded source', { ...ACTIVITY_META, key: 'raw/x.csv', bytes: 10 }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/INFO {2}downloaded source \(key=raw\/x\.csv workflow=day\/eco2mix\/2021-12-15 activity=/);
    expect(lines[0]).not.toContain('taskToken');
  });

  it('write an error with its causes on one line, a message of several lines included, and no JSON', () => {
    const { logger, lines } = humanLogger();
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:27017');
    logger.error(
      { dataset: 'eco2mix', date: '2021-12-15', err: new Error('cannot write the day record', { cause }) },
      'day record lost\nretry later',
    );
    expect(lines).toEqual([
      expect.stringMatching(
        /^\d\d:\d\d:\d\d ERROR day record lost \/ retry later \(dataset=eco2mix date=2021-12-15\): cannot write the day record: connect ECONNREFUSED 127\.0\.0\.1:27017$/,
      ),
    ]);
    expect(lines.some(isJson)).toBe(false);
  });

  it('quote a field value with spaces and never show a secret or a field nobody reads', () => {
    const { logger, lines } = humanLogger();
    logger.warn({ key: 'inbox/a file.csv', password: 'hunter2', sha256: 'ab'.repeat(32) }, 'dropped file quarantined');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('(key="inbox/a file.csv")');
    expect(lines[0]).not.toMatch(/hunter2|abab|password/);
  });

  it('respect LOG_LEVEL: nothing below it is written', () => {
    const { logger, lines } = humanLogger('warn');
    logger.info('worker is running');
    logger.warn('object store unreachable: read local copies');
    expect(lines).toEqual([expect.stringContaining('WARN  object store unreachable')]);
  });
});

describe('LOG_FORMAT', () => {
  it('auto is readable lines on a terminal and JSON otherwise; json and pretty are what they say', () => {
    expect(resolveLogFormat('auto', { isTTY: true })).toBe('pretty');
    expect(resolveLogFormat('auto', { isTTY: false })).toBe('json');
    expect(resolveLogFormat('auto', {})).toBe('json');
    expect(resolveLogFormat('json', { isTTY: true })).toBe('json');
    expect(resolveLogFormat('pretty', { isTTY: false })).toBe('pretty');
  });
});
