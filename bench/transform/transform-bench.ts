/**
 * The transform comparison: each input through courant, pandas + pyarrow and DuckDB-native, each
 * run in its own process, the tools alternating (their order rotates every round), medians and
 * per-round ratios kept.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { BENCH_DIR, runChild, tsNode } from '../lib/child.js';
import { fileBytes, warmPageCache } from '../inputs/files.js';
import type { TransformReport } from './outputs.js';
import type { ProfiledStep } from './profile-smartmeter.js';

export const TOOLS = ['courant', 'pandas', 'duckdb'] as const;
export type Tool = (typeof TOOLS)[number];
export type Shape = 'eco2mix' | 'smartmeter';

export interface InputSpec {
  readonly id: string;
  readonly shape: Shape;
  /** What the input is, for the table: "eCO2mix 1 year", "smart meters 10 M rows". */
  readonly label: string;
  readonly file: () => Promise<string>;
  /** The Paris day of a smart-meter file. */
  readonly date?: string;
  readonly tools: readonly Tool[];
  readonly runs: number;
}

export interface InputResult {
  readonly spec: InputSpec;
  readonly csvBytes: number;
  readonly rows: number;
  readonly runs: Partial<Record<Tool, TransformReport[]>>;
  /** Per round: pandas seconds ÷ courant seconds, and courant seconds ÷ DuckDB seconds. */
  readonly speedupVsPandas: readonly number[];
  readonly timeVsDuckdb: readonly number[];
}

export interface TransformBenchOptions {
  readonly workDir: string;
  readonly logDir: string;
  readonly python: string;
  readonly log: (line: string) => void;
}

function command(tool: Tool, spec: InputSpec, file: string, out: string, python: string): [string, string[]] {
  const common = ['--input', file, '--out', out, ...(spec.date ? ['--date', spec.date] : [])];
  if (tool === 'pandas')
    return [python, [path.join(BENCH_DIR, 'python', 'transform_pandas.py'), spec.shape, ...common]];
  return tsNode(path.join(BENCH_DIR, 'transform', `${tool}-${spec.shape}.ts`), common);
}

export async function benchInput(spec: InputSpec, options: TransformBenchOptions): Promise<InputResult> {
  const file = await spec.file();
  const csvBytes = await fileBytes(file);
  await warmPageCache(file);
  await mkdir(options.workDir, { recursive: true });
  const runs: Partial<Record<Tool, TransformReport[]>> = {};
  const speedupVsPandas: number[] = [];
  const timeVsDuckdb: number[] = [];
  for (let round = 0; round < spec.runs; round += 1) {
    const order = spec.tools.map((_, i) => spec.tools[(i + round) % spec.tools.length] as Tool);
    const seconds: Partial<Record<Tool, number>> = {};
    for (const tool of order) {
      const out = await mkdtemp(path.join(options.workDir, `${spec.id}-${tool}-`));
      try {
        const [cmd, args] = command(tool, spec, file, out, options.python);
        const report = await runChild<TransformReport>(cmd, args, {
          logFile: path.join(options.logDir, `transform-${spec.id}-${tool}.log`),
        });
        (runs[tool] ??= []).push(report);
        seconds[tool] = report.seconds;
        options.log(
          `  ${spec.id} round ${round + 1}: ${tool} ${report.seconds.toFixed(3)} s, ${(report.peakRssBytes / 1e6).toFixed(0)} MB`,
        );
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    }
    if (seconds.courant !== undefined && seconds.pandas !== undefined)
      speedupVsPandas.push(seconds.pandas / seconds.courant);
    if (seconds.courant !== undefined && seconds.duckdb !== undefined)
      timeVsDuckdb.push(seconds.courant / seconds.duckdb);
  }
  const rows = runs.courant?.[0]?.checks.rowsRead ?? runs.pandas?.[0]?.checks.rowsRead ?? 0;
  return { spec, csvBytes, rows, runs, speedupVsPandas, timeVsDuckdb };
}

/** Courant's steps on an input with DuckDB's profiler on, for "where the time goes". */
export async function profileSmartMeter(spec: InputSpec, options: TransformBenchOptions) {
  const out = await mkdtemp(path.join(options.workDir, `${spec.id}-profile-`));
  try {
    const [cmd, args] = tsNode(path.join(BENCH_DIR, 'transform', 'profile-smartmeter.ts'), [
      '--input',
      await spec.file(),
      '--date',
      spec.date ?? '',
      '--out',
      out,
    ]);
    return await runChild<{ steps: ProfiledStep[] }>(cmd, args, {
      logFile: path.join(options.logDir, 'profile-smartmeter.log'),
    });
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** A courant transform run under `node --cpu-prof`; returns the profile files' directory. */
export async function cpuProfileCourant(
  spec: InputSpec,
  options: TransformBenchOptions,
  profileDir: string,
): Promise<string> {
  const out = await mkdtemp(path.join(options.workDir, `${spec.id}-cpuprof-`));
  try {
    await mkdir(profileDir, { recursive: true });
    const [cmd, args] = tsNode(
      path.join(BENCH_DIR, 'transform', `courant-${spec.shape}.ts`),
      ['--input', await spec.file(), '--out', out, ...(spec.date ? ['--date', spec.date] : [])],
      ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    );
    await runChild<TransformReport>(cmd, args, { logFile: path.join(options.logDir, `cpuprof-${spec.id}.log`) });
    return profileDir;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
