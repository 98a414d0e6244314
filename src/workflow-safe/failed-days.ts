/** The failed days a backfill carries and answers: bounded, so that its input and progress stay small. */
import type { FailedDay } from './backfill.js';

/** Failed days a backfill keeps with their message; later ones are only counted (`failedDaysOmitted`). */
export const FAILED_DAYS_KEPT = 100;

/** The first {@link FAILED_DAYS_KEPT} failed days of a backfill, and how many more failed. */
export class FailedDays {
  private readonly kept: FailedDay[];
  private omitted: number;

  constructor(carried: readonly FailedDay[] = [], omitted = 0) {
    this.kept = carried.slice(0, FAILED_DAYS_KEPT);
    this.omitted = omitted + carried.length - this.kept.length;
  }

  add(day: FailedDay): void {
    if (this.kept.length < FAILED_DAYS_KEPT) this.kept.push(day);
    else this.omitted += 1;
  }

  /** Every failed day, the omitted ones included. */
  get count(): number {
    return this.kept.length + this.omitted;
  }

  /** The failed days kept, and the count of the others when there are any. */
  get carried(): { readonly failedDays: readonly FailedDay[]; readonly failedDaysOmitted?: number } {
    return { failedDays: [...this.kept], ...(this.omitted > 0 ? { failedDaysOmitted: this.omitted } : {}) };
  }
}
