/** Where every line (or record) of a parsed file went: kept, rejected, or skipped for a named reason. */

/** `read = kept + rejected + Σ skipped`, always: a line is never dropped without a reason. */
export interface RowAccounting<TSkip extends string> {
  readonly read: number;
  readonly kept: number;
  readonly rejected: number;
  /** Lines that are not rows, by reason (the header, blank lines, a publisher's footer…). */
  readonly skipped: Readonly<Record<TSkip, number>>;
}

/** Lines skipped, all reasons together. */
export function skippedCount<TSkip extends string>(accounting: RowAccounting<TSkip>): number {
  return Object.values<number>(accounting.skipped).reduce((sum, n) => sum + n, 0);
}

/** `3 skipped (1 header, 1 blank, 1 disclaimer)`: the reasons with a count above zero. */
export function describeSkipped<TSkip extends string>(accounting: RowAccounting<TSkip>): string {
  const reasons = Object.entries<number>(accounting.skipped)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${n} ${reason}`);
  return `${skippedCount(accounting)} skipped${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`;
}
