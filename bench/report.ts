/** RESULTS.md from a run's measurements: machine, method, tables, a verdict per goal, profiles. */
import os from 'node:os';
import { int, mb, num, ratio, seconds, table, type TodayRow } from './lib/markdown.js';
import type { MachineInfo } from './lib/machine.js';
import type { ProfileSummary } from './lib/cpu-profile.js';
import { max, median, percentile } from './lib/stats.js';
import type { OrchestrationResults } from './orchestration/orchestration.js';
import type { ProfiledStep } from './transform/profile-smartmeter.js';
import type { InputResult, Tool } from './transform/transform-bench.js';

const CORES = os.cpus().length;

export interface Verdict {
  /** What is measured, the key of its row in the Today table. */
  readonly metric: string;
  /** The goal alone, for the Today table: `≤ 400 MB`. */
  readonly target: string;
  /** The figure in a few words, for the Today table. */
  readonly today: string;
  /** The goal in a sentence, and what was measured against it: the lines the run prints. */
  readonly goal: string;
  readonly met: boolean;
  readonly measured: string;
}

export interface RunResults {
  readonly smoke: boolean;
  readonly startedAt: Date;
  readonly minutes: number;
  readonly machine: MachineInfo;
  readonly transform: readonly InputResult[];
  /** Inputs run by courant only, for the memory curve. */
  readonly memoryOnly: readonly InputResult[];
  readonly orchestration: OrchestrationResults | null;
  readonly verdicts: readonly Verdict[];
  readonly profiles: {
    readonly smartMeterSteps?: readonly ProfiledStep[];
    readonly transformCpu?: readonly ProfileSummary[];
    readonly workerCpu?: readonly ProfileSummary[];
  };
  /** The anomaly-detection section (precision, recall, F1 on the labelled sample), markdown. */
  /** The anomaly-detection quality table, unless skipped. */
  readonly anomalies: string | null;
}

const TOOL_NAMES: Record<Tool, string> = {
  courant: 'courant',
  pandas: 'pandas + pyarrow',
  duckdb: 'DuckDB-native',
};

function toolRows(result: InputResult): string[][] {
  const rows: string[][] = [];
  for (const tool of result.spec.tools) {
    const runs = result.runs[tool] ?? [];
    if (runs.length === 0) continue;
    const time = median(runs.map((r) => r.seconds));
    const isCourant = tool === 'courant';
    rows.push([
      rows.length === 0 ? result.spec.label : '',
      rows.length === 0 ? int(result.rows) : '',
      rows.length === 0 ? mb(result.csvBytes) : '',
      TOOL_NAMES[tool],
      seconds(time),
      int(result.rows / time),
      num(result.csvBytes / 1e6 / time),
      mb(median(runs.map((r) => r.peakRssBytes))),
      mb(median(runs.map((r) => r.outputBytes))),
      isCourant && result.speedupVsPandas.length > 0 ? ratio(median(result.speedupVsPandas)) : '',
      isCourant && result.timeVsDuckdb.length > 0 ? ratio(median(result.timeVsDuckdb)) : '',
    ]);
  }
  return rows;
}

/** Whether the tools kept the same rows and found the same total (the check that they did the same work). */
function agreement(result: InputResult): string {
  const firsts = result.spec.tools.flatMap((tool) =>
    result.runs[tool]?.[0] ? [[tool, result.runs[tool]?.[0]] as const] : [],
  );
  const written = new Set(firsts.map(([, r]) => r?.checks.rowsWritten));
  const totals = new Set(firsts.map(([, r]) => r?.checks.total));
  const days = new Set(firsts.map(([, r]) => r?.checks.days));
  const same = written.size === 1 && totals.size === 1 && days.size === 1;
  const courant = result.runs.courant?.[0]?.checks;
  const detail = courant
    ? `${int(courant.rowsWritten)} rows kept, ${int(courant.rowsRejected)} rejected, ${int(courant.days)} day${courant.days === 1 ? '' : 's'}, total ${int(courant.total)} ${result.spec.shape === 'smartmeter' ? 'kWh' : 'MWh'}`
    : '';
  return `${result.spec.label}: ${same ? 'same rows kept and same total in every tool' : 'TOOLS DISAGREE'} (${detail})`;
}

export function transformTable(results: readonly InputResult[]): string {
  return table(
    [
      'Input',
      'Rows',
      'CSV MB',
      'Tool',
      'Time (median)',
      'Rows/s',
      'CSV MB/s',
      'Peak RSS MB',
      'Output MB',
      'courant speed ÷ pandas',
      'courant time ÷ DuckDB',
    ],
    results.flatMap(toolRows),
  );
}

function memoryTable(results: readonly InputResult[]): string {
  const ordered = [...results].sort((a, b) => a.spec.shape.localeCompare(b.spec.shape) || a.csvBytes - b.csvBytes);
  return table(
    ['Input', 'CSV MB', 'Rows', 'courant peak RSS MB (max of runs)', 'pandas', 'DuckDB-native'],
    ordered.map((r) => {
      const peak = (tool: Tool) => {
        const runs = r.runs[tool] ?? [];
        return runs.length === 0 ? '—' : mb(max(runs.map((x) => x.peakRssBytes)));
      };
      return [r.spec.label, mb(r.csvBytes), int(r.rows), peak('courant'), peak('pandas'), peak('duckdb')];
    }),
  );
}

/** The round trips of a day: how many tasks the server dispatched, and how long each waited. */
function dispatchLine(o: OrchestrationResults): string {
  const runs = o.dayRuns.dispatchWaits.filter((w) => w.length > 0);
  if (runs.length === 0) return '';
  const hops = median(runs.map((w) => w.length));
  const each = median(runs.flat());
  const total = median(runs.map((w) => w.reduce((a, b) => a + b, 0)));
  return (
    `Per day, the server dispatched ${int(hops)} workflow and activity tasks one after another (the median run); ` +
    `each waited a median ${seconds(each)} between scheduled and started, ${seconds(total)} in all — ` +
    `${num((100 * total) / median(o.dayRuns.seconds))} % of the day's end-to-end time.`
  );
}

/** The median day's events in time order, folded: where its time goes, step by step. */
function timelineDetails(o: OrchestrationResults): string {
  const events = o.dayRuns.medianTimeline;
  if (events.length === 0) return '';
  const rows = events.map((e, i) => [
    `${num(e.ms)} ms`,
    i === 0 ? '' : `+${num(e.ms - (events[i - 1]?.ms ?? 0))}`,
    e.workflowId.split('/')[0] ?? '',
    e.event,
  ]);
  return [
    '<details><summary>The median day, event by event (offsets from its first event)</summary>',
    '',
    table(['at', 'step', 'workflow', 'event'], rows),
    '',
    '</details>',
  ].join('\n');
}

function orchestrationSection(o: OrchestrationResults): string {
  const day = o.dayRuns.seconds;
  const inActivities = median(o.dayRuns.activitySeconds);
  const plain = o.plainLoop.seconds;
  const lines = [
    `One eCO2mix day (both sources, ${96} quarter-hours each) end to end: \`daily/{date}\` started by the client, ` +
      `the \`day/eco2mix/{date}\` child, a real \`courant worker\`, the dev server, the loopback source. ` +
      `${day.length} runs on distinct days after a warm-up, one at a time.`,
    '',
    table(
      ['', 'p50', 'p95', 'mean'],
      [
        [
          'Through Temporal (client start → result)',
          seconds(median(day)),
          seconds(percentile(day, 95)),
          seconds(day.reduce((a, b) => a + b, 0) / day.length),
        ],
        [
          '… of which inside activities (from the histories)',
          seconds(inActivities),
          seconds(percentile(o.dayRuns.activitySeconds, 95)),
          '',
        ],
        [
          'Same activities in a plain loop, no Temporal',
          seconds(median(plain)),
          seconds(percentile(plain, 95)),
          seconds(plain.reduce((a, b) => a + b, 0) / plain.length),
        ],
        ['Orchestration cost (p50 through Temporal − p50 plain loop)', seconds(median(day) - median(plain)), '', ''],
      ],
    ),
    '',
    dispatchLine(o),
    '',
    timelineDetails(o),
    '',
    `Worker peak RSS during these runs: ${mb(o.dayRuns.workerPeakRssBytes)} MB; plain loop process: ${mb(o.plainLoop.peakRssBytes)} MB.`,
    '',
    `Backfill of ${o.backfillDays} days (2022), ` +
      (o.backfillDriver === 'workflow'
        ? "driven by courant's own `backfill` workflow (`backfill/{id}`, mode `all`, `parallel` N): it starts each `daily/{date}` as a child on the backfill task queue, at most N in flight."
        : 'driven by the bench client: 365 `daily/{date}` workflows started with `startDay` (src/client/start-day.ts), at most N in flight.') +
      ' A fresh worker (own task queue, database and data directory; the workflow bundle built ahead, `WORKFLOW_BUNDLE_DIR`, as the container image runs it) per parallelism, the same dev server throughout.',
    '',
    table(
      [
        'Parallel',
        'Time',
        'Days/s',
        'Succeeded',
        'Worker peak RSS MB',
        'CPU s: worker / Temporal / document store',
        'CPU ms per day: worker / Temporal / document store',
      ],
      [...o.backfill, ...(o.tenYears ? [o.tenYears] : [])].map((b) => [
        b === o.tenYears ? `${b.parallel} (ten years: ${int(b.days)} days, 2012–2021)` : String(b.parallel),
        seconds(b.seconds),
        num(b.days / b.seconds),
        `${b.succeeded}/${b.days}`,
        mb(b.workerPeakRssBytes),
        `${num(b.cpuSeconds.worker)} / ${num(b.cpuSeconds.temporal)} / ${num(b.cpuSeconds.documentStore)}`,
        [b.cpuSeconds.worker, b.cpuSeconds.temporal, b.cpuSeconds.documentStore]
          .map((s) => num((1000 * s) / b.days))
          .join(' / '),
      ]),
    ),
    '',
    cpuLine(o),
  ];
  return lines.join('\n');
}

/** Where the machine's time went during the fastest backfill. */
function cpuLine(o: OrchestrationResults): string {
  const best = [...o.backfill].sort((a, b) => a.seconds - b.seconds)[0];
  if (!best) return '';
  const { worker, temporal, documentStore } = best.cpuSeconds;
  const used = worker + temporal + documentStore;
  const share = (x: number) => `${num((100 * x) / used)} %`;
  return (
    `During the fastest backfill (parallel ${best.parallel}) the three processes used ${num(used)} CPU-seconds in ` +
    `${seconds(best.seconds)} — ${num((100 * used) / (best.seconds * CORES))} % of the machine's ${CORES} cores: ` +
    `worker ${share(worker)}, Temporal dev server ${share(temporal)}, document store ${share(documentStore)}; ` +
    `${num((1000 * used) / best.days)} CPU-ms per day. ` +
    `The same activities in a plain loop use ${num(1000 * median(o.plainLoop.cpuSeconds))} CPU-ms per day ` +
    `(median, the loop's process with its DuckDB threads; document store apart): the rest of the worker's ` +
    `${num((1000 * worker) / best.days)} is its share of orchestration (workflow tasks, the sandbox, the bridge to ` +
    `Temporal's core, the days' bookkeeping).`
  );
}

function profileSection(profiles: RunResults['profiles']): string {
  const parts: string[] = [];
  if (profiles.smartMeterSteps) {
    parts.push(
      '**courant, smart meters 10 M rows, step by step** (DuckDB profiler; operator times are summed over its threads):',
      '',
      table(
        ['Step', 'Wall time', 'Largest DuckDB operators (thread-seconds)'],
        profiles.smartMeterSteps.map((s) => [
          s.step,
          seconds(s.seconds),
          s.operators.map((o) => `${o.operator} ${num(o.seconds)}`).join(', '),
        ]),
      ),
      '',
    );
  }
  const cpu = (title: string, summaries: readonly ProfileSummary[] | undefined) => {
    if (!summaries || summaries.length === 0) return;
    parts.push(`**${title}** (\`node --cpu-prof\`; self time of the busiest JavaScript functions):`, '');
    for (const s of summaries) {
      parts.push(
        `- ${s.file}: ${seconds(s.totalMs / 1000)} sampled, ${num((100 * s.idleMs) / Math.max(1, s.totalMs))} % idle`,
        ...s.top.map((t) => `  - ${num(t.selfMs)} ms ${t.frame}`),
      );
    }
    parts.push('');
  };
  cpu('courant, eCO2mix 20 years', profiles.transformCpu);
  cpu('courant worker during the end-to-end days', profiles.workerCpu);
  return parts.join('\n');
}

/** The rows of the Today table a run's verdicts give. */
export function todayRows(r: Pick<RunResults, 'verdicts' | 'startedAt'>): TodayRow[] {
  const date = r.startedAt.toISOString().slice(0, 10);
  return r.verdicts.map((v) => ({
    metric: v.metric,
    today: v.today,
    goal: v.target,
    verdict: v.met ? 'met' : 'missed',
    command: '`npm run bench`',
    date,
  }));
}

/**
 * The page's top and the sections of `npm run bench`; its verdicts go to the Today table
 * (`todayRows`), which the page keeps with the other benches' rows.
 */
export function resultsMarkdown(r: RunResults): string {
  const o = r.orchestration;
  const lines = [
    '# Benchmark results',
    '',
    ...(r.smoke ? ['**Smoke size**: a check that the benchmarks run, not figures to quote.', ''] : []),
    "What the figures are today: the table first, then each bench's section as its last run wrote it. " +
      'What is measured and how: [README.md](README.md). Older runs and the investigations behind ' +
      'them: [history/](history/).',
    '',
    '## Machine',
    '',
    `The machine of the last \`npm run bench\`, run of ${r.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${num(r.minutes)} minutes in all.`,
    '',
    table(
      ['', ''],
      r.machine.rows.map(([k, v]) => [k, v]),
    ),
    '',
    '## Transform',
    '',
    "Each tool in its own process on the same generated file; time is the work inside the process (reading the input to the last output written; interpreter start-up and imports excluded); peak RSS is the process's VmHWM; medians of " +
      `${r.transform[0]?.spec.runs ?? 0} runs per tool, the tools alternating; ratios are taken per round, then their median. MB = 10⁶ bytes.`,
    '',
    transformTable(r.transform),
    '',
    ...r.transform.map((t) => `- ${agreement(t)}`),
    '',
    '## Memory',
    '',
    "Peak RSS of courant's transform process (the worker's DuckDB settings: 2 threads, 512 MB memory limit) by input size, with the other tools for contrast.",
    '',
    memoryTable([...r.transform, ...r.memoryOnly]),
    '',
    ...(o ? ['## Orchestration', '', orchestrationSection(o), ''] : []),
    ...(r.anomalies === null
      ? []
      : [
          '## Anomaly detection (smart meters)',
          '',
          'A quality figure, not a timing: see bench/quality/anomalies.ts.',
          '',
          r.anomalies,
          '',
        ]),
    ...(Object.keys(r.profiles).length > 0 ? ['## Where the time goes', '', profileSection(r.profiles)] : []),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
