/**
 * The rows of the dataset-days a backfill ran, as their runs counted them: read, written and
 * rejected in total, and the dataset-days with rejected rows with the file that holds them (the
 * first {@link REJECTING_LISTED}, then a count). Kept by the backfill workflow from the outputs of
 * its ranges and days, carried across continue-as-new, and printed by `--wait`: a rejected row is
 * never silent, and no record is read to say so. Pure.
 */

/** Dataset-days with rejected rows listed one by one at most; past that, counted. */
export const REJECTING_LISTED = 10;

export interface RowCounts {
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
}

/** A dataset-day with rejected rows, and the file that holds them when its run named it. */
export interface RejectingDay extends RowCounts {
  readonly dataset: string;
  readonly date: string;
  readonly rejectsKey?: string;
}

export interface RowsTally extends RowCounts {
  /** Dataset-days counted. */
  readonly days: number;
  /** The first {@link REJECTING_LISTED} dataset-days with rejected rows, in the order they ended. */
  readonly rejecting: readonly RejectingDay[];
  /** Dataset-days with rejected rows past those listed. */
  readonly moreRejecting: number;
}

export const EMPTY_ROWS_TALLY: RowsTally = {
  read: 0,
  written: 0,
  rejected: 0,
  days: 0,
  rejecting: [],
  moreRejecting: 0,
};

/** `tally` with one more dataset-day that ended with `rows`. */
export function tallyDay(
  tally: RowsTally,
  day: { readonly dataset: string; readonly date: string; readonly rows: RowCounts; readonly rejectsKey?: string },
): RowsTally {
  const { rows } = day;
  const listed = rows.rejected > 0 && tally.rejecting.length < REJECTING_LISTED;
  return {
    read: tally.read + rows.read,
    written: tally.written + rows.written,
    rejected: tally.rejected + rows.rejected,
    days: tally.days + 1,
    rejecting: listed
      ? [
          ...tally.rejecting,
          {
            dataset: day.dataset,
            date: day.date,
            read: rows.read,
            written: rows.written,
            rejected: rows.rejected,
            ...(day.rejectsKey !== undefined ? { rejectsKey: day.rejectsKey } : {}),
          },
        ]
      : tally.rejecting,
    moreRejecting: tally.moreRejecting + (rows.rejected > 0 && !listed ? 1 : 0),
  };
}
