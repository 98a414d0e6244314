/** The "The cost of a day" section of RESULTS.md: a summary across datasets, then each dataset's activities. */
import { readFile, writeFile } from 'node:fs/promises';
import { num, table } from '../lib/markdown.js';
import { DAY_BUDGETS, REPORTS_AFTER, WORKFLOW_TASKS } from './budget.js';
import type { OverBudget } from './day-cost.js';
import type { ActivityModel, Cost, DatasetModel, RangedDayModel } from './ledger.js';
import { rangedDaySections } from './ranged-markdown.js';

export const SECTION = '## The cost of a day';

export interface CostMarkdownInput {
  readonly models: readonly DatasetModel[];
  /** Days of a range, for the datasets measured in one. */
  readonly ranged?: readonly RangedDayModel[];
  readonly previous: readonly DatasetModel[];
  readonly over: readonly OverBudget[];
  readonly smoke: boolean;
}

const ms = (value: number | undefined) => (value === undefined ? '—' : num(value));

function kb(objects: number, bytes: number): string {
  return objects === 0 ? '0' : `${num(objects)} / ${num(bytes / 1000)} KB`;
}

/** The CPU of the activities that built the reports a day asked for. */
function reportsCpu(model: DatasetModel): number {
  return model.reports.activities.reduce((total, a) => total + a.cpuMs, 0);
}

function stackCpu(model: DatasetModel): number {
  const { worker, temporal, documentStore } = model.day.cpuMs;
  return worker + temporal + documentStore;
}

function summary(models: readonly DatasetModel[], previous: readonly DatasetModel[]): string {
  return table(
    [
      'dataset',
      'days',
      'CPU ms: worker / Temporal / document store',
      'stack CPU ms',
      'before',
      'wall ms',
      'workflow tasks',
      'history events',
      'reports after it: CPU ms (worker / Temporal / store), wall ms',
    ],
    models.map((m) => {
      const before = previous.find((p) => p.dataset === m.dataset);
      const { worker, temporal, documentStore } = m.day.cpuMs;
      const reports = m.reports.cpuMs;
      return [
        m.dataset,
        String(m.days),
        `${num(worker)} / ${num(temporal)} / ${num(documentStore)}`,
        num(stackCpu(m)),
        before ? num(stackCpu(before)) : '—',
        num(m.day.wallMs),
        num(m.day.workflowTasks),
        num(m.day.historyEvents),
        `${num(reports.worker)} / ${num(reports.temporal)} / ${num(reports.documentStore)}, ${num(m.reports.wallMs)}`,
      ];
    }),
  );
}

function costCells(cost: Cost): string[] {
  return [
    num(cost.wallMs),
    num(cost.duckdbStatements),
    kb(cost.objectsRead, cost.bytesRead),
    kb(cost.objectsWritten, cost.bytesWritten),
    num(cost.objectCalls),
    num(cost.recordCalls),
  ];
}

function activityRows(
  activity: ActivityModel,
  before: DatasetModel | undefined,
  budget: Readonly<Record<string, number>>,
) {
  const previous = before?.activities.find((a) => a.activity === activity.activity);
  const name = `${activity.activity}${activity.local ? ' (local)' : ''}${activity.calls > 1 ? ` ×${num(activity.calls)}` : ''}`;
  return [
    [name, num(activity.cpuMs), ms(previous?.cpuMs), ms(budget[activity.activity]), ...costCells(activity)],
    ...activity.stages.map((stage) => [
      `  · ${stage.stage}`,
      num(stage.cpuMs),
      ms(previous?.stages.find((s) => s.stage === stage.stage)?.cpuMs),
      '',
      ...costCells(stage),
    ]),
  ];
}

function datasetTable(model: DatasetModel, previous: readonly DatasetModel[]): string {
  const before = previous.find((p) => p.dataset === model.dataset);
  const budget = DAY_BUDGETS[model.dataset] ?? {};
  const rows = [
    ...model.activities.flatMap((a) => activityRows(a, before, budget)),
    [WORKFLOW_TASKS, num(model.outsideActivitiesCpuMs), ms(before?.outsideActivitiesCpuMs), ms(budget[WORKFLOW_TASKS])],
    [
      REPORTS_AFTER,
      num(reportsCpu(model)),
      before ? num(reportsCpu(before)) : '—',
      ms(budget[REPORTS_AFTER]),
      num(model.reports.wallMs),
    ],
    ...model.reports.activities
      .flatMap((a) => activityRows(a, undefined, {}).slice(0, 1))
      .map((row) => [`  · ${row[0] ?? ''}`, ...row.slice(1, 3), '', ...row.slice(4)]),
  ];
  return table(
    [
      'activity · stage',
      'CPU ms',
      'before',
      'budget',
      'wall ms',
      'DuckDB statements',
      'objects read',
      'objects written',
      'lists, heads, deletes',
      'record calls',
    ],
    rows,
  );
}

export function costMarkdown(input: CostMarkdownInput): string {
  const { models, previous, over } = input;
  const verdict =
    over.length === 0
      ? 'Every activity within its budget (bench/cost/budget.ts) by 25 % or less.'
      : `${input.smoke ? 'At smoke size (one day, not a verdict): ' : ''}${over
          .map((o) =>
            o.budgetMs === null
              ? `${o.dataset} ${o.activity} has no budget`
              : `${o.dataset} ${o.activity} ${num(o.cpuMs)} CPU-ms against ${num(o.budgetMs)}`,
          )
          .join('; ')}.`;
  return [
    SECTION,
    '',
    `Written by \`node --import tsx bench/cost/day-cost.ts${input.smoke ? ' --smoke' : ''}\` (also by \`npm run bench\`) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. ` +
      'Each dataset runs its days one at a time through `daily/{date}` on a worker with the cost ledger on (COST_LEDGER_FILE); ' +
      'figures are medians over its measured days; CPU is the process’s, DuckDB’s threads included; "before" is the previous full run ' +
      '(bench/cost/previous.json).',
    '',
    verdict,
    '',
    summary(models, previous),
    '',
    ...models.flatMap((model) => [`### ${model.dataset}`, '', datasetTable(model, previous), '']),
    ...rangedDaySections(models, input.ranged ?? []),
  ].join('\n');
}

/** Replaces the section in `file` (or adds it at the end), leaving the rest as it is. */
export async function writeCostSection(file: string, markdown: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const start = text.indexOf(`${SECTION}\n`);
  if (start < 0) return writeFile(file, `${text.trimEnd()}\n\n${markdown.trimEnd()}\n`);
  const next = text.indexOf('\n## ', start + SECTION.length);
  const end = next < 0 ? text.length : next + 1;
  return writeFile(file, `${text.slice(0, start)}${markdown.trimEnd()}\n${next < 0 ? '' : '\n'}${text.slice(end)}`);
}
