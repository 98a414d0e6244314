/**
 * Activities that do nothing but answer: each returns what the real activity returned for a real
 * eCO2mix day (the results kept in the replay histories of `day/eco2mix/{date}` and `daily/{date}`),
 * so that the workflows run their real code, with payloads of their real size, and nothing else.
 * Each answers after a few milliseconds on a timer (no CPU): an activity that answers within a
 * millisecond finds its workflow's next task dispatched about 40 ms later (measured on the dev
 * server, the task arriving while the worker still completes the one before), which no real
 * activity does.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';

/** The line the floor worker prints once it runs. */
export const FLOOR_WORKER_RUNNING = 'floor worker is running';

/** How long each stand-in takes to answer. */
const ANSWER_AFTER_MS = 5;

const HISTORIES = path.join(PROJECT_ROOT, 'test', 'replay', 'histories');
/** A day of eCO2mix as a child (its downloads, transform, metrics, checks) and as its daily pipeline. */
const DAY_HISTORIES = ['dataset-day-downloads.json', 'daily-pipeline-succeeded.json'] as const;

const payloads = z.object({ payloads: z.array(z.object({ data: z.string().optional() })) }).optional();
const historyEvent = z.object({
  eventId: z.string(),
  activityTaskScheduledEventAttributes: z.object({ activityType: z.object({ name: z.string() }) }).optional(),
  activityTaskCompletedEventAttributes: z.object({ scheduledEventId: z.string(), result: payloads }).optional(),
  markerRecordedEventAttributes: z
    .object({ markerName: z.string(), details: z.object({ data: payloads, result: payloads }) })
    .optional(),
});
const history = z.object({ events: z.array(historyEvent) });
const markerData = z.object({ activity_type: z.string() });

function decoded(value: z.infer<typeof payloads>): unknown {
  const data = value?.payloads[0]?.data;
  return data === undefined ? undefined : JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
}

/** What each activity of the day returned, by activity type. */
function dayResults(): Map<string, unknown> {
  const results = new Map<string, unknown>();
  for (const file of DAY_HISTORIES) {
    const { events } = history.parse(JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')));
    const scheduled = new Map<string, string>();
    for (const event of events) {
      const type = event.activityTaskScheduledEventAttributes?.activityType.name;
      if (type) scheduled.set(event.eventId, type);
      const completed = event.activityTaskCompletedEventAttributes;
      const completedType = completed && scheduled.get(completed.scheduledEventId);
      if (completed && completedType) results.set(completedType, decoded(completed.result));
      const marker = event.markerRecordedEventAttributes;
      if (marker?.markerName === 'core_local_activity') {
        const { activity_type } = markerData.parse(decoded(marker.details.data));
        results.set(activity_type, decoded(marker.details.result));
      }
    }
  }
  return results;
}

const backfillPlan = z.object({ from: z.string(), to: z.string() });
const recheck = z.object({ dates: z.array(z.string()) });
const rangeDates = z.object({ dates: z.array(z.string()) });
const rangeDays = z.object({ days: z.array(z.object({ date: z.string() })) });

/**
 * The stand-in activities: every activity a day, a range of days and a backfill of days run,
 * answering at once. The day's datasets are eCO2mix alone, which runs in ranges (a backfill with
 * `perDay` runs per day); a backfill's plan is every day of its range. A range's stage answers, for
 * each of its days, what the day's own activity answered (its downloads, transform, metrics,
 * checks); no other run holds any of its days, and no range holds a day run on its own.
 */
export function floorActivities(): Record<string, (input: unknown) => Promise<unknown>> {
  const results = dayResults();
  const resultOf = (type: string) => {
    if (!results.has(type)) throw new Error(`no ${type} in the replay histories ${DAY_HISTORIES.join(', ')}`);
    return results.get(type);
  };
  const answer = (type: string) => {
    const result = resultOf(type);
    return async () => {
      await sleep(ANSWER_AFTER_MS);
      return result;
    };
  };
  /** A range's stage: each day's `type` answer, as a result per day. */
  const eachDay = (type: string, datesOf: (input: unknown) => readonly string[]) => {
    const ok = resultOf(type);
    return async (input: unknown) => {
      await sleep(ANSWER_AFTER_MS);
      return datesOf(input).map((date) => ({ date, ok }));
    };
  };
  const byDays = (input: unknown) => rangeDays.parse(input).days.map((d) => d.date);
  return {
    downloadRangeDays: eachDay('downloadSources', (input) => rangeDates.parse(input).dates),
    transformRangeDays: eachDay('transformDay', byDays),
    measureRangeDays: eachDay('computeMetrics', byDays),
    checkRangeDays: eachDay('checkQuality', byDays),
    ...Object.fromEntries(
      ['startRangeDays', 'finishRangeDays', 'buildRangeReports'].map((type) => [
        type,
        async () => {
          await sleep(ANSWER_AFTER_MS);
          return type === 'startRangeDays' ? { elsewhere: [] } : undefined;
        },
      ]),
    ),
    ...Object.fromEntries(
      [
        'dailyDatasets',
        'startDayRun',
        'planDay',
        'downloadSources',
        'transformDay',
        'computeMetrics',
        'checkQuality',
        'finishDayRun',
        'buildDailyReport',
        'requestReport',
      ].map((type) => [type, answer(type)]),
    ),
    async rangeHoldingDay() {
      await sleep(ANSWER_AFTER_MS);
      return null;
    },
    planBackfill(input) {
      const { from, to } = backfillPlan.parse(input);
      return Promise.resolve(datesInRange(from, to));
    },
    rangeDataset() {
      return Promise.resolve('eco2mix');
    },
    recheckBackfillDays(input) {
      return Promise.resolve({ run: recheck.parse(input).dates, skipped: [] });
    },
    requestReports() {
      return Promise.resolve(undefined);
    },
  };
}
