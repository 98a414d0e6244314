/**
 * How long the `courant` command takes to start: `courant --help` and `courant backfill --help`,
 * each N times in turn, wall and CPU (user + system) of the whole process, medians. Run as users
 * run it (bin/courant.js, on the build in dist/cli, built first when it is not current), and from
 * the sources through tsx for comparison (what bin/courant.js runs when the build is out of date).
 * Writes the "Command start" section of RESULTS.md (bench/RESULTS.md by default), with the load
 * average before and after: the figures are only as quiet as the machine.
 *
 *   node --import tsx bench/cli/startup.ts [--runs N] [--out FILE] [--smoke]
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { builtCliIsCurrent } from '../../bin/built-cli.js';
import { buildCli } from '../../scripts/cli-bundle.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { num, sectionBenchOptions, table, writeSection } from '../lib/markdown.js';
import { median } from '../lib/stats.js';

const SECTION = '## Command start';
const run = promisify(execFile);

/** How each way starts the command: the executable, or main.ts through tsx as the executable does without a build. */
const WAYS = {
  'built (bin/courant.js)': (args: readonly string[]) => [path.join(PROJECT_ROOT, 'bin', 'courant.js'), ...args],
  'sources through tsx': (args: readonly string[]) => [
    '--import',
    'tsx',
    '--input-type=module',
    '--eval',
    "const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(process.argv);",
    'courant',
    ...args,
  ],
} as const;
const COMMAND_LINES = [['--help'], ['backfill', '--help']] as const;

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** One start, timed by bash's `time` (the process's own wall and CPU, from its resource usage). */
async function timeOnce(nodeArgs: readonly string[]): Promise<Timing> {
  const { stderr } = await run(
    'bash',
    ['-c', 'TIMEFORMAT="%3R %3U %3S"; time "$@" >/dev/null', 'bash', process.execPath, ...nodeArgs],
    { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } },
  );
  const [real, user, sys] = (stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  if (real === undefined || user === undefined || sys === undefined || [real, user, sys].some(Number.isNaN))
    throw new Error(`no timing in the output of node ${nodeArgs.join(' ')}: ${stderr}`);
  return { wallMs: real * 1000, cpuMs: (user + sys) * 1000 };
}

const loadAverage = () =>
  os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(', ');

const { runs, out } = sectionBenchOptions(20);
if (!builtCliIsCurrent(PROJECT_ROOT)) await buildCli(PROJECT_ROOT);
const loadBefore = loadAverage();
const timings = new Map<string, Timing[]>();
// In turn, run after run: a change in the machine's load falls on every command line alike.
for (let i = 0; i < runs; i += 1) {
  for (const [way, argsOf] of Object.entries(WAYS)) {
    for (const line of COMMAND_LINES) {
      const key = `${way}\t${line.join(' ')}`;
      timings.set(key, [...(timings.get(key) ?? []), await timeOnce(argsOf(line))]);
    }
  }
}
const loadAfter = loadAverage();

const rows = [...timings].map(([key, all]) => {
  const [way = '', line = ''] = key.split('\t');
  return [
    `\`courant ${line}\``,
    way,
    num(median(all.map((t) => t.wallMs))),
    num(median(all.map((t) => t.cpuMs))),
    num(Math.max(...all.map((t) => t.wallMs))),
  ];
});
const section = [
  SECTION,
  '',
  `Run ${new Date().toISOString().slice(0, 16)}Z; \`node --import tsx bench/cli/startup.ts\` (bench/cli/startup.ts). ` +
    `Each command line started ${runs} times, in turn with the others; wall and CPU (user + system) of the whole ` +
    `process as bash's \`time\` reports them. Load average (1, 5, 15 min) ${loadBefore} before, ${loadAfter} after, ` +
    `on ${os.cpus().length} cores: a loaded machine makes the wall times longer, not the CPU.`,
  '',
  table(['command line', 'started from', 'wall median (ms)', 'CPU median (ms)', 'wall max (ms)'], rows),
  '',
  '',
].join('\n');
await writeSection(out, SECTION, section);
console.log(section);
console.log(`written to ${out}`);
