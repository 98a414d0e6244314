/**
 * The Enedis bench (README, "Enedis flows"), its own section of RESULTS.md:
 *
 * (a) a month of R151 as Enedis delivers it — one zip a day of every PRM's readings — ingested
 *     through courant's real path (`courant ingest --dir … --wait` on a Temporal dev server, the
 *     document store and a real `courant worker` running the workflow bundle built ahead, as the
 *     container image does: webpack at start is not the ingestion's memory), then `courant energies`
 *     for the month: the wall time of both commands and the worker's peak RSS;
 * (b) one R151 file of many days, claimed and transformed day by day by the Enedis module in its
 *     own process (`courant-r151-file.ts`), starting from an empty parse cache;
 * (c) the same work in Python, lxml + pandas (`bench/python/enedis_r151.py`), side by side.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { benchWorkflowBundles } from '../lib/bundles.js';
import { BENCH_DIR, runChild, trackChild, tsNode } from '../lib/child.js';
import { int, mb, seconds, table, writeSection } from '../lib/markdown.js';
import { cpuSeconds } from '../lib/proc.js';
import { benchWorkerEnv, startBenchServers } from '../lib/servers.js';
import { startWorkerProcess } from '../orchestration/worker-process.js';
import { r151DailyZips, r151File } from './r151-input.js';

export interface EnedisBenchOptions {
  readonly smoke: boolean;
  /** The RESULTS.md whose Enedis section is written (the rest of the file is left as it is). */
  readonly out: string;
  readonly workDir: string;
  readonly logDir: string;
  readonly python: string;
  readonly log: (line: string) => void;
}

interface Sizes {
  readonly monthPrms: number;
  /** The daily files' dates (the first one is the start index of the energies). */
  readonly monthDates: readonly string[];
  readonly filePrms: number;
  readonly fileDates: readonly string[];
}

const FULL: Sizes = {
  monthPrms: 100_000,
  monthDates: datesInRange('2024-03-31', '2024-04-30'),
  filePrms: 10_000,
  fileDates: datesInRange('2024-04-01', '2024-04-30'),
};
const SMOKE: Sizes = {
  monthPrms: 300,
  monthDates: datesInRange('2024-04-27', '2024-04-30'),
  filePrms: 200,
  fileDates: datesInRange('2024-04-01', '2024-04-30'),
};

const MB = 1e6;
const SECTION = '## Enedis flows';

interface Measured {
  readonly seconds: number;
  readonly peakRssBytes: number;
}
interface MonthResult {
  readonly courant: Measured & {
    readonly ingestSeconds: number;
    readonly energiesSeconds: number;
    /** CPU time the worker used (all its threads) from the ingestion's start to the energies' end. */
    readonly workerCpuSeconds: number;
    readonly prms: number;
    readonly energyKWh: number;
  };
  readonly python: Measured & { readonly prms: number; readonly energyKWh: number };
  readonly readings: number;
  readonly zipBytes: number;
  /** The machine's 1-minute load average when the ingestion started and when it ended (2 cores). */
  readonly load: readonly [number, number];
}
interface FileResult {
  readonly courant: Measured & { readonly claimSeconds: number; readonly days: number; readonly rowsWritten: number };
  readonly python: Measured & { readonly days: number; readonly rowsWritten: number };
  readonly xmlBytes: number;
}

/** Runs `args` with courant's CLI; resolves to its wall time, throws with its output when it fails. */
export async function courant(args: readonly string[], env: Record<string, string>, logFile: string): Promise<number> {
  const log = createWriteStream(logFile, { flags: 'a' });
  log.write(`\n$ courant ${args.join(' ')}\n`);
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'courant.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  let tail = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-3000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const elapsed = (performance.now() - started) / 1000;
  await new Promise<void>((resolve) => log.end(resolve));
  if (code !== 0) throw new Error(`courant ${args[0] ?? ''} failed (exit ${code}):\n${tail}`);
  return elapsed;
}

/** PRMs and the total BASE energy of an energies Parquet file (courant's or Python's). */
export async function energyTotals(file: string): Promise<{ prms: number; energyKWh: number }> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    const [row] = (
      await connection.runAndReadAll(
        `SELECT count(DISTINCT prm) AS prms, sum(energy_kwh) FILTER (WHERE class = 'BASE') AS energy FROM read_parquet('${file}')`,
      )
    ).getRowObjects();
    return { prms: Number(row?.prms ?? 0), energyKWh: Number(row?.energy ?? 0) };
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

async function benchMonth(sizes: Sizes, options: EnedisBenchOptions): Promise<MonthResult> {
  const zips = await r151DailyZips(sizes.monthPrms, sizes.monthDates);
  const from = sizes.monthDates[1] ?? '';
  const to = sizes.monthDates[sizes.monthDates.length - 1] ?? '';
  const work = path.join(options.workDir, 'enedis-month');
  await mkdir(work, { recursive: true });
  const bundles = await benchWorkflowBundles();
  const servers = await startBenchServers(work, options.logDir);
  try {
    const env = benchWorkerEnv(
      servers,
      'enedis',
      { dataDir: path.join(work, 'data'), bundles },
      // An empty parse cache: the month is parsed by this run.
      { TMPDIR: await mkdtemp(path.join(work, 'tmp-')) },
    );
    const worker = await startWorkerProcess(env, path.join(options.logDir, 'worker-enedis.log'));
    const logFile = path.join(options.logDir, 'enedis-cli.log');
    const loadBefore = os.loadavg()[0] ?? 0;
    let ingestSeconds: number;
    let energiesSeconds: number;
    /** Read while the worker runs: /proc forgets a process once it has gone. */
    let peak: number;
    let loadAfter: number;
    let workerCpuSeconds: number;
    const energies = path.join(work, 'energies.parquet');
    try {
      options.log(`enedis: ingesting ${sizes.monthDates.length} daily R151 zips of ${int(sizes.monthPrms)} PRMs`);
      const cpuBefore = cpuSeconds(worker.pid) ?? 0;
      ingestSeconds = await courant(['ingest', '--dataset', 'enedis', '--dir', zips, '--wait'], env, logFile);
      energiesSeconds = await courant(
        ['energies', '--dataset', 'enedis', '--from', from, '--to', to, '--format', 'parquet', '--out', energies],
        env,
        logFile,
      );
      peak = worker.peakRssBytes() ?? 0;
      workerCpuSeconds = (cpuSeconds(worker.pid) ?? 0) - cpuBefore;
      loadAfter = os.loadavg()[0] ?? 0;
    } finally {
      await worker.stop();
    }
    options.log('enedis: the same month with lxml + pandas');
    const pythonOut = path.join(work, 'energies-python.parquet');
    const python = await runChild<Measured & { readings: number }>(
      options.python,
      [
        path.join(BENCH_DIR, 'python', 'enedis_r151.py'),
        'energies',
        '--dir',
        zips,
        '--from',
        from,
        '--to',
        to,
        '--out',
        pythonOut,
      ],
      { logFile: path.join(options.logDir, 'enedis-python.log') },
    );
    const sizesOnDisk = await Promise.all((await readdir(zips)).map((name) => stat(path.join(zips, name))));
    return {
      courant: {
        seconds: ingestSeconds + energiesSeconds,
        ingestSeconds,
        energiesSeconds,
        workerCpuSeconds,
        peakRssBytes: peak,
        ...(await energyTotals(energies)),
      },
      python: { seconds: python.seconds, peakRssBytes: python.peakRssBytes, ...(await energyTotals(pythonOut)) },
      // Readings: one per PRM and day (a `Donnees_Releve`); Python counts its four distributor values.
      readings: python.readings / 4,
      zipBytes: sizesOnDisk.reduce((sum, file) => sum + file.size, 0),
      load: [loadBefore, loadAfter],
    };
  } finally {
    await servers.stop();
  }
}

async function benchFile(sizes: Sizes, options: EnedisBenchOptions): Promise<FileResult> {
  const input = await r151File(sizes.filePrms, sizes.fileDates);
  const work = path.join(options.workDir, 'enedis-file');
  await mkdir(work, { recursive: true });
  options.log(`enedis: one R151 file of ${int(sizes.filePrms)} PRMs × ${sizes.fileDates.length} days`);
  const [node, args] = tsNode(path.join(BENCH_DIR, 'enedis', 'courant-r151-file.ts'), [
    '--input',
    input,
    '--out',
    path.join(work, 'courant'),
  ]);
  const courantRun = await runChild<FileResult['courant']>(node, args, {
    logFile: path.join(options.logDir, 'enedis-file.log'),
    env: { TMPDIR: await mkdtemp(path.join(work, 'tmp-')) },
  });
  const python = await runChild<FileResult['python']>(
    options.python,
    [
      path.join(BENCH_DIR, 'python', 'enedis_r151.py'),
      'transform',
      '--input',
      input,
      '--out',
      path.join(work, 'python'),
    ],
    { logFile: path.join(options.logDir, 'enedis-file.log') },
  );
  return { courant: courantRun, python, xmlBytes: (await stat(input)).size };
}

function sectionMarkdown(sizes: Sizes, month: MonthResult, file: FileResult, smoke: boolean): string {
  const monthGoalS = 120;
  const monthGoalRss = 600 * MB;
  const fileGoalS = 10;
  const monthMet = month.courant.seconds <= monthGoalS;
  const rssMet = month.courant.peakRssBytes <= monthGoalRss;
  const fileMet = file.courant.seconds <= fileGoalS;
  const verdict = (met: boolean) => (met ? '**Met**' : '**Missed**');
  const size = smoke ? ' (smoke size: not the goal’s input)' : '';
  return [
    SECTION,
    '',
    `Run ${new Date().toISOString().slice(0, 16)}Z${smoke ? ', smoke size' : ''}; \`npm run bench\` or \`node --import tsx bench/enedis/run.ts\` (\`bench/enedis/enedis-bench.ts\`). ` +
      'R151 flows generated in the element layout of the real sample (four distributor classes and one supplier class per reading, with their labels), zipped one a day as Enedis delivers them, named with their delivery numbers. ' +
      'The worker of (a) runs the workflow bundle built ahead (`WORKFLOW_BUNDLE_DIR`), as the container image does.',
    '',
    table(
      ['input', 'tool', 'time', 'peak RSS', 'what it gave'],
      [
        [
          `(a) ${sizes.monthDates.length} daily zips, ${int(sizes.monthPrms)} PRMs, ${int(month.readings)} readings (${mb(month.zipBytes)} MB zipped)`,
          'courant: `ingest --dir --wait`, then `energies` for the month',
          `${seconds(month.courant.seconds)} (ingest ${seconds(month.courant.ingestSeconds)}, energies ${seconds(month.courant.energiesSeconds)}; worker CPU ${seconds(month.courant.workerCpuSeconds)})`,
          `${mb(month.courant.peakRssBytes)} MB (worker)`,
          `${int(month.courant.prms)} PRMs, ${int(month.courant.energyKWh)} kWh`,
        ],
        [
          '',
          'lxml + pandas (`enedis_r151.py energies`)',
          seconds(month.python.seconds),
          `${mb(month.python.peakRssBytes)} MB`,
          `${int(month.python.prms)} PRMs, ${int(month.python.energyKWh)} kWh`,
        ],
        [
          `(b) one R151 file, ${int(sizes.filePrms)} PRMs × ${sizes.fileDates.length} days (${mb(file.xmlBytes)} MB XML)`,
          'courant: the claim, then the transform of each day (one process)',
          `${seconds(file.courant.seconds)} (claim ${seconds(file.courant.claimSeconds)})`,
          `${mb(file.courant.peakRssBytes)} MB`,
          `${file.courant.days} days, ${int(file.courant.rowsWritten)} rows`,
        ],
        [
          '',
          'lxml + pandas (`enedis_r151.py transform`)',
          seconds(file.python.seconds),
          `${mb(file.python.peakRssBytes)} MB`,
          `${file.python.days} days, ${int(file.python.rowsWritten)} rows`,
        ],
      ],
    ),
    '',
    `- ${verdict(monthMet)} — (a) a month of R151 for ${int(sizes.monthPrms)} PRMs ingested and its energies computed in ≤ 2 min${size}: ${seconds(month.courant.seconds)}.`,
    `- ${verdict(rssMet)} — (a) peak worker RSS ≤ 600 MB${size}: ${mb(month.courant.peakRssBytes)} MB.`,
    `- ${verdict(fileMet)} — (b) one R151 file of ${int(sizes.filePrms)} PRMs × ${sizes.fileDates.length} days transformed in ≤ 10 s${size}: ${seconds(file.courant.seconds)}.`,
    `- The machine's load average (2 cores, shared) was ${month.load[0].toFixed(1)} when (a) started and ${month.load[1].toFixed(1)} when it ended: read the ratios more than the times.`,
    `- (c) courant takes ${(month.courant.seconds / month.python.seconds).toFixed(2)}× lxml + pandas's time on (a) and ${(file.courant.seconds / file.python.seconds).toFixed(2)}× on (b).`,
    '',
  ].join('\n');
}

/** Runs the Enedis bench and writes its section of `options.out`. */
export async function benchEnedis(options: EnedisBenchOptions): Promise<void> {
  const sizes = options.smoke ? SMOKE : FULL;
  const work = await mkdtemp(path.join(options.workDir, 'enedis-'));
  try {
    const month = await benchMonth(sizes, { ...options, workDir: work });
    const file = await benchFile(sizes, { ...options, workDir: work });
    const section = sectionMarkdown(sizes, month, file, options.smoke);
    await writeSection(options.out, SECTION, section);
    process.stdout.write(`${section}\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
