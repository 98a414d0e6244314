/**
 * What the reports a scheduled day asks for cost as its year fills up: one eCO2mix day early in a
 * year, the days after it backfilled, then the year's last day — each day's month, year and index
 * reports measured by the cost ledger (COST_LEDGER_FILE), stage by stage. A day's own cost does
 * not grow with the year; its annual report reads every day of the year so far.
 * Alone: node --import tsx bench/cost/reports-through-year.ts [--smoke] [--out FILE]
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackfill } from '../../src/client/start-backfill.js';
import { waitForPeriodReport } from '../../src/client/period-report.js';
import { startDay } from '../../src/client/start-day.js';
import { benchWorkflowBundles } from '../lib/bundles.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import type { ReportPeriod } from '../../src/workflow-safe/periods.js';
import { int, num, sectionBenchOptions, table, writeSection } from '../lib/markdown.js';
import { benchWorkerEnv, startBenchServers } from '../lib/servers.js';
import { startExportServer } from '../orchestration/export-server.js';
import { startWorkerProcess } from '../orchestration/worker-process.js';
import { activityLine } from './ledger.js';

export const REPORTS_HEADING = '## Reports through the year';
const YEAR = '2022';

/** A report built after a day: its period, CPU and wall time, and its stages' CPU. */
export interface ReportCost {
  readonly report: string;
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly stages: ReadonlyArray<{ readonly stage: string; readonly cpuMs: number }>;
}

export interface DayReports {
  readonly date: string;
  /** Days of the year stored when it ran (itself included). */
  readonly daysInYear: number;
  readonly reports: readonly ReportCost[];
}

const periodsOf = (date: string): ReportPeriod[] => [
  { kind: 'month', name: date.slice(0, 7) },
  { kind: 'year', name: date.slice(0, 4) },
  { kind: 'index', name: 'index' },
];

async function ledgerLines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line.length > 0);
}

export async function benchReportsThroughYear(options: {
  smoke: boolean;
  log: (line: string) => void;
}): Promise<DayReports[]> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'courant-reports-'));
  const servers = await startBenchServers(work, work);
  try {
    const year = datesInRange(`${YEAR}-01-01`, `${YEAR}-12-31`);
    const last = options.smoke ? 20 : year.length;
    const source = await startExportServer(year.slice(0, last));
    try {
      const bundles = await benchWorkflowBundles();
      const ledger = path.join(work, 'ledger.jsonl');
      const env = benchWorkerEnv(
        servers,
        'reports',
        { dataDir: path.join(work, 'data'), bundles },
        { ECO2MIX_BASE_URL: source.baseUrl, SOURCE_TIMEOUT_MS: '60000', COST_LEDGER_FILE: ledger },
      );
      const taskQueue = env.TEMPORAL_TASK_QUEUE ?? '';
      const worker = await startWorkerProcess(env, path.join(work, 'worker.log'));
      try {
        const runDay = async (date: string, daysInYear: number): Promise<DayReports> => {
          const before = (await ledgerLines(ledger)).length;
          await (await startDay(servers.client, { date, runKind: 'manual', taskQueue })).result();
          for (const period of periodsOf(date)) {
            await waitForPeriodReport(servers.client, period, taskQueue, { timeoutMs: 300_000 });
          }
          const reports = (await ledgerLines(ledger))
            .slice(before)
            .map((line) => activityLine.parse(JSON.parse(line)))
            .filter((line) => line.activity === 'buildReport')
            .map((line) => ({
              report: line.workflowId.replace(/^report\//, '').replace(/@.*$/, ''),
              cpuMs: line.cpuMs,
              wallMs: line.wallMs,
              stages: line.stages.map((s) => ({ stage: s.stage, cpuMs: s.cpuMs })),
            }));
          options.log(`  ${date}: reports after it ${int(reports.reduce((n, r) => n + r.cpuMs, 0))} CPU-ms`);
          return { date, daysInYear, reports };
        };
        const [warmUp = '', early = ''] = year;
        await runDay(warmUp, 1);
        const first = await runDay(early, 2);
        const lastDate = year[last - 1] ?? '';
        const input = { from: year[2] ?? '', to: year[last - 2] ?? '', mode: 'all', parallel: 16 } as const;
        await (await startBackfill(servers.client, input, 'reports-through-year', taskQueue)).result();
        // The backfill asks for its months' reports at its end: settled before the last day runs.
        const months = [...new Set(year.slice(0, last).map((date) => date.slice(0, 7)))];
        const settled: ReportPeriod[] = [
          ...months.map((name) => ({ kind: 'month', name }) as const),
          { kind: 'year', name: YEAR },
          { kind: 'index', name: 'index' },
        ];
        for (const period of settled) {
          await waitForPeriodReport(servers.client, period, taskQueue, { timeoutMs: 300_000 });
        }
        return [first, await runDay(lastDate, last)];
      } finally {
        await worker.stop();
      }
    } finally {
      await source.close();
    }
  } finally {
    await servers.stop();
    await rm(work, { recursive: true, force: true });
  }
}

export function reportsMarkdown(days: readonly DayReports[]): string {
  const rows = days.flatMap((day) =>
    day.reports.map((r) => [
      `${day.date} (${int(day.daysInYear)} days of ${YEAR} stored)`,
      r.report,
      num(r.cpuMs),
      num(r.wallMs),
      r.stages.map((s) => `${s.stage} ${num(s.cpuMs)}`).join(' · '),
    ]),
  );
  return `${REPORTS_HEADING}

Written by \`node --import tsx bench/cost/reports-through-year.ts\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. The reports a scheduled eCO2mix day asks for once it ends (its month's, that year's, the index), built by a worker with the cost ledger on: for a day early in ${YEAR}, and for its last day once the days between are stored (backfilled, their reports settled first). CPU is the worker's; the stages are the report build's (\`src/reports/period-build.ts\`).

${table(['day', 'report', 'CPU ms', 'wall ms', 'CPU ms by stage'], rows)}
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { smoke, out } = sectionBenchOptions(1);
  await mkdir(path.dirname(out), { recursive: true });
  const days = await benchReportsThroughYear({ smoke, log: (line) => process.stderr.write(`[bench] ${line}\n`) });
  const markdown = reportsMarkdown(days);
  await writeSection(out, REPORTS_HEADING, markdown);
  process.stdout.write(markdown);
}
