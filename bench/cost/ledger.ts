/**
 * Reading the cost ledger of a run of run-days.ts: each activity line belongs to the day whose
 * marker line came last before it (days run one at a time, their reports settled before the next),
 * and each dataset's model is the median over its measured days.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { ActivityCost, CostCounts } from '../../src/cost/ledger.js';
import { median } from '../lib/stats.js';
import type { MeasuredDay, MeasuredRange, StackCpu } from './run-days.js';

const counts = {
  duckdbStatements: z.number(),
  objectsRead: z.number(),
  bytesRead: z.number(),
  objectsWritten: z.number(),
  bytesWritten: z.number(),
  objectCalls: z.number(),
  recordCalls: z.number(),
};
const stageLine = z.object({ stage: z.string(), cpuMs: z.number(), wallMs: z.number(), ...counts });
export const activityLine = z.object({
  activity: z.string(),
  dataset: z.string().nullable(),
  date: z.string().nullable(),
  workflowId: z.string(),
  local: z.boolean(),
  cpuMs: z.number(),
  threadCpuMs: z.number().optional(),
  wallMs: z.number(),
  ...counts,
  stages: z.array(stageLine),
});
const markedDay = z.object({ dataset: z.string(), date: z.string(), warmUp: z.boolean() });
const marker = z.union([
  z.object({ day: markedDay }),
  z.object({ reports: markedDay }),
  z.object({ range: markedDay }),
]);

/** The key of a range's lines in {@link ledgerByDay}: by its dataset and first day. */
export const rangeKey = (dataset: string, from: string) => `range ${dataset} ${from}`;

/** What a piece of a day cost: CPU, wall and what it did. */
export interface Cost extends CostCounts {
  readonly cpuMs: number;
  readonly wallMs: number;
}

/** One activity of a dataset's day, median over the measured days, with its stages. */
export interface ActivityModel extends Cost {
  readonly activity: string;
  readonly local: boolean;
  /** Times it ran in a day (median). */
  readonly calls: number;
  readonly stages: ReadonlyArray<Cost & { readonly stage: string }>;
}

export interface DatasetModel {
  readonly dataset: string;
  readonly days: number;
  readonly activities: readonly ActivityModel[];
  /** The worker's CPU outside any activity: workflow tasks, the SDK, the client of the bench. */
  readonly outsideActivitiesCpuMs: number;
  readonly day: {
    readonly wallMs: number;
    readonly cpuMs: StackCpu;
    readonly workflowTasks: number;
    readonly historyEvents: number;
  };
  /** The reports a day asks for (month, year, index), built after it: once a month in a backfill. */
  readonly reports: {
    readonly wallMs: number;
    readonly cpuMs: StackCpu;
    readonly activities: readonly ActivityModel[];
  };
}

/** A day's ledger lines: its own activities, then those of the reports it asked for. */
export interface DayLines {
  readonly day: ActivityCost[];
  readonly reports: ActivityCost[];
}

const COUNT_FIELDS = Object.keys(counts) as Array<keyof CostCounts>;

function medianCost(costs: readonly Cost[]): Cost {
  const of = (field: keyof Cost) => median(costs.map((c) => c[field]));
  return {
    cpuMs: of('cpuMs'),
    wallMs: of('wallMs'),
    ...(Object.fromEntries(COUNT_FIELDS.map((f) => [f, of(f)])) as unknown as CostCounts),
  };
}

function sumCosts(costs: readonly Cost[]): Cost {
  const sum = (field: keyof Cost) => costs.reduce((total, c) => total + c[field], 0);
  return {
    cpuMs: sum('cpuMs'),
    wallMs: sum('wallMs'),
    ...(Object.fromEntries(COUNT_FIELDS.map((f) => [f, sum(f)])) as unknown as CostCounts),
  };
}

/** The ledger's lines, grouped by the day (`dataset date`) they belong to. */
export async function ledgerByDay(file: string): Promise<Map<string, DayLines>> {
  const days = new Map<string, DayLines>();
  let current: ActivityCost[] | null = null;
  let latest: DayLines | undefined;
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line) continue;
    const json: unknown = JSON.parse(line);
    const marked = marker.safeParse(json);
    if (!marked.success) {
      const activity = activityLine.parse(json);
      // A report build may start before the day's own lines end: it is always the reports'.
      const reports = activity.workflowId.startsWith('report/') ? latest?.reports : undefined;
      (reports ?? current)?.push(activity);
      continue;
    }
    if ('day' in marked.data || 'range' in marked.data) {
      const lines: DayLines = { day: [], reports: [] };
      const key =
        'day' in marked.data
          ? `${marked.data.day.dataset} ${marked.data.day.date}`
          : rangeKey(marked.data.range.dataset, marked.data.range.date);
      days.set(key, lines);
      current = lines.day;
      latest = lines;
    } else {
      current = days.get(`${marked.data.reports.dataset} ${marked.data.reports.date}`)?.reports ?? null;
    }
  }
  return days;
}

/** Each activity of the days' lines (one list a day), median over the days. */
function activityModels(lines: ReadonlyArray<readonly ActivityCost[]>): ActivityModel[] {
  const names = [...new Set(lines.flat().map((l) => l.activity))];
  return names.map((activity): ActivityModel => {
    const perDay = lines.map((dayLines) => dayLines.filter((l) => l.activity === activity));
    const stageNames = [...new Set(perDay.flat().flatMap((l) => l.stages.map((s) => s.stage)))];
    return {
      activity,
      local: perDay.flat().some((l) => l.local),
      calls: median(perDay.map((l) => l.length)),
      ...medianCost(perDay.map((l) => sumCosts(l))),
      stages: stageNames.map((stage) => ({
        stage,
        ...medianCost(perDay.map((l) => sumCosts(l.flatMap((a) => a.stages.filter((s) => s.stage === stage))))),
      })),
    };
  });
}

function medianCpu(cpus: readonly StackCpu[]): StackCpu {
  return {
    worker: median(cpus.map((c) => c.worker)),
    temporal: median(cpus.map((c) => c.temporal)),
    documentStore: median(cpus.map((c) => c.documentStore)),
  };
}

/** Each dataset's model: its measured days (warm-ups left out), activity by activity. */
export function datasetModels(measured: readonly MeasuredDay[], ledger: ReadonlyMap<string, DayLines>): DatasetModel[] {
  const datasets = [...new Set(measured.map((d) => d.dataset))];
  return datasets.map((dataset) => {
    const days = measured.filter((d) => d.dataset === dataset && !d.warmUp);
    const lines = days.map((d) => ledger.get(`${dataset} ${d.date}`) ?? { day: [], reports: [] });
    const inActivities = lines.map((l) => l.day.reduce((total, a) => total + a.cpuMs, 0));
    return {
      dataset,
      days: days.length,
      activities: activityModels(lines.map((l) => l.day)),
      outsideActivitiesCpuMs: median(days.map((d, i) => d.cpuMs.worker - (inActivities[i] ?? 0))),
      day: {
        wallMs: median(days.map((d) => d.wallMs)),
        cpuMs: medianCpu(days.map((d) => d.cpuMs)),
        workflowTasks: median(days.map((d) => d.workflowTasks)),
        historyEvents: median(days.map((d) => d.historyEvents)),
      },
      reports: {
        wallMs: median(days.map((d) => d.reports.wallMs)),
        cpuMs: medianCpu(days.map((d) => d.reports.cpuMs)),
        activities: activityModels(lines.map((l) => l.reports)),
      },
    };
  });
}

/** A day of a range: each activity of the range (and the stack's CPU, tasks, events) over its days. */
export interface RangedDayModel {
  readonly dataset: string;
  /** Days in the range measured. */
  readonly rangeDays: number;
  readonly activities: readonly ActivityModel[];
  readonly outsideActivitiesCpuMs: number;
  readonly day: DatasetModel['day'];
}

function perDayCost<T extends Cost>(cost: T, days: number): T {
  const scaled = Object.fromEntries(COUNT_FIELDS.map((f) => [f, cost[f] / days])) as unknown as CostCounts;
  return { ...cost, ...scaled, cpuMs: cost.cpuMs / days, wallMs: cost.wallMs / days };
}

/** Each range measured, as a day of it: the range's figures divided by its days. */
export function rangedDayModels(
  ranges: readonly MeasuredRange[],
  ledger: ReadonlyMap<string, DayLines>,
): RangedDayModel[] {
  return ranges.map((range) => {
    const lines = ledger.get(rangeKey(range.dataset, range.from))?.day ?? [];
    const inActivities = lines.reduce((total, a) => total + a.cpuMs, 0);
    const k = range.days;
    return {
      dataset: range.dataset,
      rangeDays: k,
      activities: activityModels([lines]).map((a) => ({
        ...perDayCost(a, k),
        calls: a.calls / k,
        stages: a.stages.map((stage) => perDayCost(stage, k)),
      })),
      outsideActivitiesCpuMs: (range.cpuMs.worker - inActivities) / k,
      day: {
        wallMs: range.wallMs / k,
        cpuMs: {
          worker: range.cpuMs.worker / k,
          temporal: range.cpuMs.temporal / k,
          documentStore: range.cpuMs.documentStore / k,
        },
        workflowTasks: range.workflowTasks / k,
        historyEvents: range.historyEvents / k,
      },
    };
  });
}
