/**
 * The day records of a ranged run (docs/architecture.md#records): every day no other run holds
 * marked running for the run in one conditional bulk write at its start, and every day's outcome in
 * one at its end — the same record each day's own run writes (status, stage, inputs, outputs with sizes and hashes, counts, checks,
 * code version), owned by the range's workflow run. And each succeeded day's daily report.
 */
import { Context } from '@temporalio/activity';
import pLimit from 'p-limit';
import type { DatasetName } from '../workflow-safe/datasets.js';
import type { RunKind } from '../workflow-safe/pipeline.js';
import type { DatasetDayOutput } from '../workflow-safe/pipeline.js';
import type { DayRun } from '../storage/records.js';
import { workflowIds } from '../workflow-safe/keys.js';
import type { ActivityDeps } from './deps.js';
import { callingRun, openedDayRun, type FinishDayRunInput } from './day-runs.js';
import { dayOutcomeOf } from './report.js';
import { storeDailyReport } from '../reports/daily-build.js';
import { metricsRecordSchema } from '../storage/record-schemas.js';
import { costStage } from '../cost/ledger.js';

/** Days of a range whose reports are written at once. */
const REPORTS_AT_ONCE = 4;

export interface StartRangeDaysInput {
  readonly dataset: DatasetName;
  readonly dates: readonly string[];
  readonly runKind: RunKind;
}

export interface StartRangeDaysOutput {
  /** The days other runs hold running, each with the workflow ID of the run that holds it. */
  readonly elsewhere: ReadonlyArray<{ readonly date: string; readonly workflowId: string }>;
}

export interface FinishRangeDaysInput {
  readonly dataset: DatasetName;
  /** How each day ended, as a day's own run gives it to finishDayRun. */
  readonly days: ReadonlyArray<Omit<FinishDayRunInput, 'dataset'>>;
}

export interface RangeReportsInput {
  /** The days' outputs, one dataset each. */
  readonly days: readonly DatasetDayOutput[];
}

/** `value` without its undefined fields: what a store keeps of it. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function createRangeRecordActivities(deps: ActivityDeps) {
  /**
   * Takes the days for the calling run: one read of the range's records, one conditional bulk write.
   * A day another run holds running is left to it (its run is named in `elsewhere`), as a day's own
   * workflow ID keeps a second run of it from starting. Idempotent per run: a retry keeps each day's
   * attempt and start; a new run counts an attempt.
   */
  async function startRangeDays(input: StartRangeDaysInput): Promise<StartRangeDaysOutput> {
    const { workflowId, runId } = callingRun();
    const from = input.dates[0] ?? '';
    const to = input.dates.at(-1) ?? '';
    const previous = new Map(
      (await deps.records.listDayRuns({ from, to, datasets: [input.dataset] })).map((r) => [r.date, r]),
    );
    const now = new Date().toISOString();
    const held = await deps.records.openDayRuns(
      input.dates.map((date) =>
        openedDayRun(
          { dataset: input.dataset, date, runKind: input.runKind, workflowId, runId, codeVersion: deps.codeVersion },
          previous.get(date),
          now,
        ),
      ),
      previous,
    );
    const elsewhere = await Promise.all(
      held.map(async (date) => {
        const holder = previous.get(date) ?? (await deps.records.getDayRun(input.dataset, date));
        return { date, workflowId: holder?.workflowId ?? workflowIds.datasetDay(input.dataset, date) };
      }),
    );
    if (elsewhere.length > 0)
      Context.current().log.info('days running in other runs: left to them', { dataset: input.dataset, elsewhere });
    return { elsewhere };
  }

  /**
   * Records how each day ended in one bulk write: only the days whose record this run still owns
   * (a newer run of a day keeps its record).
   */
  async function finishRangeDays(input: FinishRangeDaysInput): Promise<void> {
    const { runId } = callingRun();
    const from = input.days[0]?.date ?? '';
    const to = input.days.at(-1)?.date ?? '';
    const owned = new Map(
      (await deps.records.listDayRuns({ from, to, datasets: [input.dataset] }))
        .filter((r) => r.runId === runId)
        .map((r) => [r.date, r]),
    );
    const finishedAt = new Date().toISOString();
    const runs = input.days.flatMap((day): DayRun[] => {
      const started = owned.get(day.date);
      return started ? [defined({ ...started, ...day, dataset: input.dataset, finishedAt })] : [];
    });
    if (runs.length < input.days.length)
      Context.current().log.warn('newer runs own some days of this range; not overwriting them', {
        dataset: input.dataset,
        days: input.days.filter((d) => !owned.has(d.date)).map((d) => d.date),
      });
    await deps.records.putDayRuns(runs);
    for (const day of input.days)
      if (owned.has(day.date)) deps.metrics?.dayFinished({ dataset: input.dataset, ...day });
  }

  /**
   * Each day's report across datasets, as its own run writes it (one dataset, succeeded), a few
   * days at once, then the days' `reports` records in one bulk write. A day's metrics are read from
   * the `metrics.json` the range has just written beside its record (the same document, a file
   * read instead of a round trip to the record store per day).
   */
  async function buildRangeReports(input: RangeReportsInput): Promise<void> {
    const limit = pLimit(REPORTS_AT_ONCE);
    const records = await Promise.all(
      input.days.map((output) =>
        limit(async () => {
          const metrics = await storedMetrics(output.metricsKey);
          return storeDailyReport(deps, output.date, [
            { ...dayOutcomeOf({ dataset: output.dataset, status: 'succeeded', output }), metrics },
          ]);
        }),
      ),
    );
    await costStage('records', () => deps.records.putReports(records));
  }

  async function storedMetrics(key: string): Promise<Record<string, unknown>> {
    const text = Buffer.from(await deps.objects.get(key)).toString('utf8');
    try {
      return metricsRecordSchema.shape.metrics.parse(JSON.parse(text));
    } catch (cause) {
      throw new Error(`${key} is not a metrics document`, { cause });
    }
  }

  return { startRangeDays, finishRangeDays, buildRangeReports };
}
