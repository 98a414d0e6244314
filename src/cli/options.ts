/** zod schemas for command-line options; a bad value becomes a UsageError naming the option. */
import { z } from 'zod';
import { MAX_BACKFILL_PARALLEL } from '../shared/inputs.js';
import { partitionDateProblem } from '../shared/partition.js';
import { UsageError } from './errors.js';

/** A pipeline day for `--date`-like options: well-formed, supported, and over in Paris. */
export function parseDayOption(option: string, value: unknown, now: Date): string {
  if (typeof value !== 'string') throw new UsageError(`${option} is required (a day written YYYY-MM-DD)`);
  const problem = partitionDateProblem(value, now);
  if (problem) throw new UsageError(`${option}: ${problem}`);
  return value;
}

const datasetList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).min(1));

/** `--datasets a,b`: names of registered datasets (`known`), each once; undefined when not given. */
export function parseDatasetsOption(value: unknown, known: readonly string[]): string[] | undefined {
  if (value === undefined) return undefined;
  const parsed = datasetList.safeParse(value);
  if (!parsed.success || parsed.data.some((name) => !known.includes(name))) {
    throw new UsageError(
      `--datasets: expected a comma-separated list of ${known.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return [...new Set(parsed.data)];
}

/** `--parallel N`: days in flight at most, a whole number from 1 to the backfill maximum. */
export function parseParallelOption(value: unknown): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BACKFILL_PARALLEL) {
    throw new UsageError(
      `--parallel: expected a whole number from 1 to ${MAX_BACKFILL_PARALLEL}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}
