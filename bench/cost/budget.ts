/**
 * What a day may cost, in CPU-ms, per dataset and activity (the cost model's medians,
 * docs in bench/README.md "The cost of a day"). `npm run bench` fails when a day's activity costs
 * more than its budget by over 25 %, naming it, and when an activity has no budget: a new check,
 * report section or activity states its cost here before it lands. `(workflow tasks)` is the
 * worker's CPU outside every activity: the workflow tasks, the SDK and its bridge to the server;
 * `(reports after the day)` the worker's CPU for the reports the day asks for.
 * An activity is over its budget when it costs more than 25 % and more than 2 CPU-ms over it.
 */
export const OVER_BUDGET_TOLERANCE = 0.25;

/** Below this many CPU-ms over its budget, an activity is within the noise of a shared machine. */
export const OVER_BUDGET_NOISE_MS = 2;

export const WORKFLOW_TASKS = '(workflow tasks)';

/** The worker's CPU for the reports a day asks for (its month's, the year's, the index), built after it. */
export const REPORTS_AFTER = '(reports after the day)';

export type DayBudget = Readonly<Record<string, number>>;

/**
 * Measured 2026-11-25 (`node --import tsx bench/cost/day-cost.ts --days 5`, two shared cores), each
 * median + 15 %, rounded up. The Vélib' day reads its 96 snapshots of 1 495 stations (44 MB of
 * JSON): its transform is the one heavy step of any day. Since: the day record keeps each output's
 * size, SHA-256 and ETag (`courant verify`), so `finishDayRun` writes, and `startDayRun` reads back,
 * a larger record: about +3.5 CPU-ms a day (2 → 5.8, measured 14:59 UTC). Enedis's fixture holds two
 * days, so its one measured day is noisy outside the activities. `rangeHoldingDay` (a day record
 * read before the day opens its own): medians of 1.1 to 3.7 CPU-ms at smoke size on 2026-11-27,
 * the machine loaded, + 15 % rounded up.
 */
export const DAY_BUDGETS: Readonly<Record<string, DayBudget>> = {
  eco2mix: {
    rangeHoldingDay: 3,
    startDayRun: 6.5,
    planDay: 0.5,
    downloadSources: 13,
    transformDay: 39,
    computeMetrics: 24,
    checkQuality: 33,
    finishDayRun: 6.5,
    buildDailyReport: 30,
    requestReport: 4.5,
    [WORKFLOW_TASKS]: 85,
    [REPORTS_AFTER]: 260,
  },
  'cityflow-traffic': {
    rangeHoldingDay: 1.5,
    startDayRun: 2.5,
    planDay: 0.5,
    downloadSources: 9,
    transformDay: 21,
    computeMetrics: 18,
    checkQuality: 0.5,
    finishDayRun: 6.5,
    buildDailyReport: 13,
    requestReport: 1.5,
    [WORKFLOW_TASKS]: 75,
    [REPORTS_AFTER]: 115,
  },
  'cityflow-weather': {
    rangeHoldingDay: 1.5,
    startDayRun: 2.5,
    planDay: 0.5,
    downloadSources: 8,
    transformDay: 21,
    computeMetrics: 11,
    checkQuality: 0.5,
    finishDayRun: 6.5,
    buildDailyReport: 9,
    requestReport: 1.5,
    [WORKFLOW_TASKS]: 75,
    [REPORTS_AFTER]: 185,
  },
  'cityflow-velib': {
    rangeHoldingDay: 4.5,
    startDayRun: 3,
    planDay: 27,
    transformDay: 1005,
    computeMetrics: 85,
    checkQuality: 0.5,
    finishDayRun: 6.5,
    buildDailyReport: 14,
    requestReport: 4.5,
    [WORKFLOW_TASKS]: 95,
    [REPORTS_AFTER]: 400,
  },
  'cityflow-roadworks': {
    rangeHoldingDay: 1.5,
    startDayRun: 3,
    planDay: 1.5,
    transformDay: 27,
    computeMetrics: 18,
    checkQuality: 0.5,
    finishDayRun: 6.5,
    buildDailyReport: 13,
    requestReport: 1.5,
    [WORKFLOW_TASKS]: 85,
    [REPORTS_AFTER]: 485,
  },
  smartmeter: {
    rangeHoldingDay: 1.5,
    startDayRun: 3,
    planDay: 1.5,
    transformDay: 30,
    computeMetrics: 70,
    checkQuality: 16,
    finishDayRun: 6.5,
    buildDailyReport: 19,
    requestReport: 1.5,
    [WORKFLOW_TASKS]: 75,
    [REPORTS_AFTER]: 200,
  },
  enedis: {
    rangeHoldingDay: 1.5,
    startDayRun: 3,
    planDay: 1.5,
    transformDay: 42,
    computeMetrics: 17,
    checkQuality: 15,
    finishDayRun: 6.5,
    buildDailyReport: 14,
    requestReport: 2,
    // Measured 0.8–1.0 (2026-11-26, the fixture's day: no month billed yet, so no signal sent).
    requestLateBilling: 1.5,
    [WORKFLOW_TASKS]: 160,
    [REPORTS_AFTER]: 205,
  },
};
