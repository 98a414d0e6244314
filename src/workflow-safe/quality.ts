/**
 * Data-quality checks as workflows, records and reports see them. Pure: workflows import it.
 * A check compares one observed value of a day with its limit; a failed `block` check fails the
 * day (type DataQuality) unless an operator accepts it by name; a failed `warn` check is shown.
 */

export const CHECK_SEVERITIES = ['block', 'warn'] as const;
export type CheckSeverity = (typeof CHECK_SEVERITIES)[number];

/** Check names: lower case letters, digits and `_`, starting with a letter, at most 48 characters. */
const CHECK_NAME = /^[a-z][a-z0-9_]{0,47}$/;

export function isCheckName(value: string): boolean {
  return CHECK_NAME.test(value);
}

/** The outcome of one check on one dataset-day: `checks.json` and the `day_runs` record carry it. */
export interface CheckResult {
  readonly name: string;
  readonly severity: CheckSeverity;
  /** What it guards, one sentence. */
  readonly description: string;
  readonly passed: boolean;
  /** The value the check measured; null when nothing it needs was there (the check passes). */
  readonly observed: number | null;
  /** The limit in words, e.g. `≤ 0.05` or `≥ 25000 MW`. */
  readonly threshold: string;
  /** Rows that break the check. */
  readonly rowsInvolved: number;
  /** Up to five offending rows, as the check selected them. */
  readonly sample: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** The stored file to look at. */
  readonly file: string;
  /** A failed check an operator accepted by name for this run (`--accept-check`). */
  readonly accepted: boolean;
}

/** Failed checks that stop the day: severity block, not accepted. */
export function blockingChecks(results: readonly CheckResult[]): CheckResult[] {
  return results.filter((r) => !r.passed && r.severity === 'block' && !r.accepted);
}

/** Failed checks shown but not stopping the day: warnings, and blocks accepted by an operator. */
export function warningChecks(results: readonly CheckResult[]): CheckResult[] {
  return results.filter((r) => !r.passed && (r.severity === 'warn' || r.accepted));
}

/** One line per failed check, for messages: name, observed value, limit and file. */
export function describeCheck(result: CheckResult): string {
  const observed = result.observed === null ? 'nothing' : String(result.observed);
  const accepted = result.accepted ? ', accepted' : '';
  return `${result.name} (${result.severity}${accepted}): observed ${observed}, expected ${result.threshold}; ${result.rowsInvolved} row(s) involved, see ${result.file}`;
}
