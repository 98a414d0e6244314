/** The periodReport workflow's signal and query, importable by clients and activities without the workflow. */
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Where a period's builds stand: `built` catches up with `requested` once a build after the last request ended. */
export interface PeriodReportState {
  readonly period: string;
  /** Rebuild requests received (signals), carried across continue-as-new. */
  readonly requested: number;
  /** The value `requested` had when the last finished build started. */
  readonly built: number;
  readonly building: boolean;
  /** Keys written by the last successful build. */
  readonly keys: readonly string[];
  /** Why the last build failed, or null. */
  readonly lastError: string | null;
}

export interface PeriodReportInput {
  /** `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or `index`. */
  readonly period: string;
  /** Carried across continue-as-new; absent on the first run. */
  readonly carried?: Pick<PeriodReportState, 'requested' | 'built' | 'keys' | 'lastError'>;
}

/** What a rebuild request may say. */
export interface RebuildRequest {
  /** Someone waits for this build (`courant report`): it does not wait out the cooldown after the last build. */
  readonly now?: boolean;
}

/** Asks for a rebuild; builds are debounced, and one more runs if asked during a build. */
export const rebuildSignal = defineSignal<[RebuildRequest?]>('rebuild');
export const stateQuery = defineQuery<PeriodReportState>('state');
