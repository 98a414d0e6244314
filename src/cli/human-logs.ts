/**
 * Logs for a person at a terminal (LOG_FORMAT=pretty, or auto on a terminal): each pino record as
 * one line — local time, level, message, the few fields that say what it is about (dataset, date,
 * key, …) and the error's message with its causes — never task tokens, run IDs or other internals.
 * The Temporal SDK's own info and debug chatter (worker states, activity progress) is left out
 * unless `verbose`; warnings and errors always show. Anything that is not a pino record passes as it is.
 */
import type { DestinationStream } from 'pino';
import { z } from 'zod';

export type LogFormat = 'json' | 'pretty';

/** pretty for `pretty`, json for `json`; for `auto`, pretty only when the logs go to a terminal. */
export function resolveLogFormat(setting: 'auto' | LogFormat, logStream: { readonly isTTY?: boolean }): LogFormat {
  if (setting !== 'auto') return setting;
  return logStream.isTTY === true ? 'pretty' : 'json';
}

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const WARN = 40;
/** What src/workers/temporal-runtime.ts tags the SDK's records with. */
const SDK_COMPONENT = 'temporal';

/** The fields a person reads, in the order shown, under the name shown. */
const SHOWN_FIELDS: ReadonlyArray<readonly [field: string, label: string]> = [
  ['dataset', 'dataset'],
  ['date', 'date'],
  ['key', 'key'],
  ['workflowId', 'workflow'],
  ['activityType', 'activity'],
  ['attempt', 'attempt'],
  ['mode', 'mode'],
  ['host', 'host'],
  ['port', 'port'],
  ['path', 'path'],
  ['retryInMs', 'retryInMs'],
];

const errorShape = z.object({
  message: z.string(),
  causes: z.array(z.object({ message: z.string() })).optional(),
});

const recordShape = z.looseObject({
  level: z.number(),
  time: z.number(),
  msg: z.string().optional(),
  component: z.string().optional(),
});
type LogRecord = z.infer<typeof recordShape>;

/** Whether a person sees the record: warnings and errors always; the SDK's chatter only when verbose. */
export function isShown(record: LogRecord, verbose: boolean): boolean {
  return record.level >= WARN || verbose || record.component !== SDK_COMPONENT;
}

/** A value as one token: numbers and words as they are, text with spaces quoted, lists joined. */
function fieldText(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return /^[^\s"]+$/.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number'))
    return value.join(',');
  return undefined;
}

/**
 * `message: cause: cause` from the `err` or `error` field as logger.ts serialises it, each text once
 * and none the log message already says; undefined when nothing is left.
 */
function errorText(record: LogRecord, said: string): string | undefined {
  const parsed = errorShape.safeParse(record.err ?? record.error);
  if (!parsed.success) return undefined;
  const texts: string[] = [];
  for (const text of [parsed.data.message, ...(parsed.data.causes ?? []).map((c) => c.message)]) {
    if (text !== '' && !said.includes(text) && !texts.some((t) => t.includes(text))) texts.push(text);
  }
  return texts.length > 0 ? texts.join(': ') : undefined;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' / ');
const twoDigits = (n: number) => String(n).padStart(2, '0');

/** The record as one line, without its newline: `HH:MM:SS LEVEL message (field=value …): error`. */
export function formatRecord(record: LogRecord): string {
  const time = new Date(record.time);
  const clock = [time.getHours(), time.getMinutes(), time.getSeconds()].map(twoDigits).join(':');
  const level = (LEVEL_NAMES[record.level] ?? String(record.level)).padEnd(5);
  const fields = SHOWN_FIELDS.flatMap(([field, label]) => {
    if (field === 'attempt' && record.attempt === 1) return [];
    const text = fieldText(record[field]);
    return text === undefined ? [] : [`${label}=${text}`];
  });
  const message = record.msg ?? '';
  const error = errorText(record, message);
  return (
    `${clock} ${level} ${oneLine(message)}` +
    (fields.length > 0 ? ` (${fields.join(' ')})` : '') +
    (error ? `: ${oneLine(error)}` : '')
  );
}

/**
 * A pino destination writing the records a person should see to `out` as readable lines. pino has
 * already redacted secrets and serialised errors; the fields shown are chosen, never the whole record.
 */
export function humanLogDestination(
  out: { write(text: string): unknown },
  options: { readonly verbose: boolean },
): DestinationStream {
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) {
        if (line === '') continue;
        const record = parseRecord(line);
        if (!record) out.write(`${line}\n`);
        else if (isShown(record, options.verbose)) out.write(`${formatRecord(record)}\n`);
      }
    },
  };
}

function parseRecord(line: string): LogRecord | undefined {
  try {
    const parsed = recordShape.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
