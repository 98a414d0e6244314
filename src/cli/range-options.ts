/** `--from/--to` day ranges, validated like `--date`. */
import { UsageError } from './errors.js';
import { parseDayOption } from './options.js';

const MAX_RANGE_DAYS = 366 * 25;

export function parseRangeOptions(options: Record<string, unknown>, now: Date): { from: string; to: string } {
  const from = parseDayOption('--from', options.from, now);
  const to = parseDayOption('--to', options.to, now);
  if (to < from) throw new UsageError(`--to (${to}) is before --from (${from})`);
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  if (days > MAX_RANGE_DAYS) throw new UsageError(`--from..--to spans ${days} days; at most ${MAX_RANGE_DAYS}`);
  return { from, to };
}
