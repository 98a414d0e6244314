import {
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityOptions } from './activity-options.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { parentPeriod, parsePeriod } from '../workflow-safe/periods.js';
import { describeFailure } from './failure-messages.js';
import {
  rebuildSignal,
  stateQuery,
  type PeriodReportInput,
  type PeriodReportState,
} from '../workflow-safe/period-report-messages.js';

/** A build reads up to a year of partitions: minutes at most, retried on transient faults. */
const build = proxyActivities<Activities>(activityOptions('reportBuild'));

/** Asking the next period for a rebuild: one signal. */
const quick = proxyActivities<Activities>(activityOptions('reportRequest'));

/** Quiet time after a request before building: the days of a burst make one build. */
const DEBOUNCE_MS = 2_000;
/** While requests keep coming, a build starts at least this often. */
const MAX_WAIT_MS = 30_000;
/** With no request for this long, the run completes; the next request starts a new one. */
const IDLE_MS = 60_000;
const BUILDS_PER_RUN = 100;
/**
 * A build starts no sooner after the previous one ended than this many times the previous one's
 * duration: while a burst of days keeps asking (an ingestion, a backfill), rebuilding a period
 * takes at most a fifth of the time, and the days' own work the rest.
 */
const COOLDOWN_PER_BUILD = 4;
/** The longest such wait, however long the last build took. */
const MAX_COOLDOWN_MS = 5 * 60_000;

/**
 * periodReport: the one place a period's report is built, so that builds never overlap (a backfill
 * finishing many days of a month at once asks many times). Workflow ID `report/month=YYYY-MM@{q}`,
 * `report/year=YYYY@{q}`, `report/dt=YYYY-MM-DD@{q}` or `report/index@{q}` ({q}: the deployment's
 * main task queue), started or signalled with `rebuild` (signal-with-start). Debounces requests, builds, builds again if asked meanwhile,
 * then asks the enclosing period (day → month → year → index) for a rebuild. A build follows the
 * one before after at least four times its duration (at most five minutes), unless someone waits
 * for it (a request `{ now: true }`, as `courant report` sends). A failed build is
 * kept in the `state` query and logged, and the next request retries it. Completes after a
 * minute without requests; continues as new every 100 builds. Idempotent: builds overwrite.
 */
export async function periodReport(input: PeriodReportInput): Promise<PeriodReportState> {
  const period = parsePeriod(input.period);
  if (period === null) {
    throw ApplicationFailure.nonRetryable(
      `period must be YYYY-MM-DD, YYYY-MM, YYYY or index, got ${JSON.stringify(input.period)}`,
      ErrorType.InvalidInput,
    );
  }
  let requested = input.carried?.requested ?? 0;
  let built = input.carried?.built ?? 0;
  let keys: readonly string[] = input.carried?.keys ?? [];
  let lastError = input.carried?.lastError ?? null;
  let building = false;
  /** When the last build of this run may be followed by the next (workflow time, ms). */
  let nextBuildAt = 0;
  /** A request since the last build started was made by someone waiting for it: no cooldown. */
  let awaited = false;
  const state = (): PeriodReportState => ({ period: period.name, requested, built, building, keys, lastError });
  setHandler(rebuildSignal, (request) => {
    requested += 1;
    if (request?.now === true) awaited = true;
  });
  setHandler(stateQuery, state);

  /** Waits until no request came for DEBOUNCE_MS, or MAX_WAIT_MS passed. */
  const quiet = async () => {
    const since = Date.now();
    for (let seen = requested; Date.now() - since < MAX_WAIT_MS; seen = requested) {
      if (!(await condition(() => requested > seen, DEBOUNCE_MS))) return;
    }
  };

  for (let builds = 0; builds < BUILDS_PER_RUN && !workflowInfo().continueAsNewSuggested; builds += 1) {
    const asked = await condition(() => requested > built, IDLE_MS);
    // A request delivered with the idle timer (same activation) is seen here: never complete with one pending.
    if (!asked && requested <= built) return state();
    if (!awaited && nextBuildAt > Date.now()) await condition(() => awaited, nextBuildAt - Date.now());
    await quiet();
    awaited = false;
    const target = requested;
    building = true;
    const started = Date.now();
    try {
      keys = await build.buildReport({ period: period.name });
      lastError = null;
      const parent = parentPeriod(period);
      if (parent) await quick.requestReport({ period: parent.name });
    } catch (error) {
      lastError = describeFailure(error).message;
      log.warn('period report build failed', { period: period.name, error: lastError });
    } finally {
      building = false;
      built = target;
      nextBuildAt = Date.now() + Math.min(MAX_COOLDOWN_MS, COOLDOWN_PER_BUILD * (Date.now() - started));
    }
  }
  return continueAsNew<typeof periodReport>({ period: input.period, carried: { requested, built, keys, lastError } });
}
