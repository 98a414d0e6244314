/**
 * `--accept-check NAME`: a failed `block` check of the day accepted knowingly. Only a check that
 * failed on the day's last run can be accepted; anything else is a usage error listing those that did.
 */
import type { DatasetName } from '../workflow-safe/datasets.js';
import { blockingChecks, isCheckName } from '../workflow-safe/quality.js';
import type { RecordStore } from '../storage/records.js';
import { UsageError } from './errors.js';

/** The names given, checked for form (before anything is asked of a server). */
export function parseAcceptCheckOptions(value: unknown): string[] {
  const names = Array.isArray(value) ? value : value === undefined ? [] : [value];
  for (const name of names) {
    if (typeof name !== 'string' || !isCheckName(name)) {
      throw new UsageError(
        `--accept-check: expected a check name (lower case letters, digits, _), got ${JSON.stringify(name)}`,
      );
    }
  }
  return [...new Set(names as string[])];
}

/** Refuses a name that is not a failed `block` check of the day's last run of the given datasets. */
export async function checkAcceptable(
  records: RecordStore,
  date: string,
  datasets: readonly DatasetName[],
  names: readonly string[],
): Promise<void> {
  if (names.length === 0) return;
  const runs = await records.listDayRuns({ from: date, to: date, datasets });
  const failed = runs.flatMap((run) => blockingChecks(run.checks ?? []).map((check) => ({ run, check })));
  const unknown = names.filter((name) => !failed.some(({ check }) => check.name === name));
  if (unknown.length === 0) return;
  const listed = failed.map(({ run, check }) => `${check.name} (${run.dataset})`).join(', ');
  throw new UsageError(
    `--accept-check: ${unknown.join(', ')} did not fail on ${date}; ` +
      (listed ? `the day's failed checks: ${listed}` : 'no check of the day failed, so there is nothing to accept'),
  );
}
