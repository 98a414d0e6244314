/** zod schemas for command-line options; a bad value becomes a UsageError naming the option. */
import { z } from 'zod';
import { DATASETS, type DatasetName } from '../shared/datasets.js';
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
  .pipe(z.array(z.enum(DATASETS)).min(1));

export function parseDatasetsOption(value: unknown): DatasetName[] | undefined {
  if (value === undefined) return undefined;
  const parsed = datasetList.safeParse(value);
  if (!parsed.success) {
    throw new UsageError(
      `--datasets: expected a comma-separated list of ${DATASETS.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return [...new Set(parsed.data)];
}
