/** The cost model's table of a day run in a range beside a day run on its own, stage by stage. */
import { num, table } from '../lib/markdown.js';
import type { ActivityModel, DatasetModel, RangedDayModel } from './ledger.js';

/** Each stage of a day: the activities a day of its own runs for it, and those a range runs. */
const STAGES: ReadonlyArray<readonly [string, readonly string[], readonly string[]]> = [
  ['download (plan, sources)', ['planDay', 'downloadSources'], ['downloadRangeDays']],
  ['transform', ['transformDay'], ['transformRangeDays']],
  ['metrics', ['computeMetrics'], ['measureRangeDays']],
  ['quality checks', ['checkQuality'], ['checkRangeDays']],
  ['day records', ['startDayRun', 'finishDayRun'], ['startRangeDays', 'finishRangeDays']],
  ['daily report', ['buildDailyReport'], ['buildRangeReports']],
];

const cpuOf = (activities: readonly ActivityModel[], names: readonly string[]) =>
  activities.filter((a) => names.includes(a.activity)).reduce((total, a) => total + a.cpuMs, 0);

/** The rows of one dataset's day on its own (`perDay`) beside a day of its range (`ranged`). */
export function rangedDayTable(perDay: DatasetModel, ranged: RangedDayModel): string {
  const named = (side: 'own' | 'range') => STAGES.flatMap((s) => (side === 'own' ? s[1] : s[2]));
  const others = (activities: readonly ActivityModel[], side: 'own' | 'range') =>
    activities.filter((a) => !named(side).includes(a.activity)).reduce((total, a) => total + a.cpuMs, 0);
  const stack = (cpu: DatasetModel['day']['cpuMs']) => cpu.worker + cpu.temporal + cpu.documentStore;
  const rows = [
    ...STAGES.map(([stage, own, range]) => [
      `${stage}: ${own.join(', ')} · ${range.join(', ')}`,
      num(cpuOf(perDay.activities, own)),
      num(cpuOf(ranged.activities, range)),
    ]),
    ['other activities', num(others(perDay.activities, 'own')), num(others(ranged.activities, 'range'))],
    [
      'workflow tasks (the worker outside activities)',
      num(perDay.outsideActivitiesCpuMs),
      num(ranged.outsideActivitiesCpuMs),
    ],
    ['worker', num(perDay.day.cpuMs.worker), num(ranged.day.cpuMs.worker)],
    ['Temporal dev server', num(perDay.day.cpuMs.temporal), num(ranged.day.cpuMs.temporal)],
    ['document store', num(perDay.day.cpuMs.documentStore), num(ranged.day.cpuMs.documentStore)],
    ['the whole stack', num(stack(perDay.day.cpuMs)), num(stack(ranged.day.cpuMs))],
    ['workflow tasks (count)', num(perDay.day.workflowTasks), num(ranged.day.workflowTasks)],
    ['history events (count)', num(perDay.day.historyEvents), num(ranged.day.historyEvents)],
    ['wall ms', num(perDay.day.wallMs), num(ranged.day.wallMs)],
  ];
  return table(
    [
      'stage: activities of a day · of a range',
      'a day of its own, CPU ms',
      `a day of a range of ${ranged.rangeDays}, CPU ms`,
    ],
    rows,
  );
}

/** The subsection of each dataset measured in a range, beside its days of their own. */
export function rangedDaySections(models: readonly DatasetModel[], ranged: readonly RangedDayModel[]): string[] {
  return ranged.flatMap((range) => {
    const perDay = models.find((m) => m.dataset === range.dataset);
    if (!perDay) return [];
    return [
      `### ${range.dataset}: a day of a range beside a day of its own`,
      '',
      `Its days before the demo's default day, ${range.rangeDays} of them, run by one \`courant backfill\` in one range ` +
        `(\`range/${range.dataset}/…\`, parallel 1, after the days of their own, so on a warm worker), measured whole and divided by ` +
        `${range.rangeDays}: the range's activities, the backfill around it, and the stack's CPU from its start to its result ` +
        '(the month reports it asks for once are left out, as are those a day of its own asks for). Beside, the median day of its own above.',
      '',
      rangedDayTable(perDay, range),
      '',
    ];
  });
}
