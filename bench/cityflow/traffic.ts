/**
 * The traffic bench alone: `node --import tsx bench/cityflow/traffic.ts [--runs N] [--arcs N] [--out FILE]`.
 * A synthetic full network day of the Paris traffic counters (`traffic-input.ts`: ~3 300 arcs × 24
 * hours in the export's layout) reduced to the day's metrics by the module — its transform, then
 * its metrics — and by a plain DuckDB SQL script (`traffic-native.ts`), both in this process with
 * the worker's DuckDB settings (`openDuckDb`: 2 threads, 512 MB), N rounds after one untimed
 * warm-up round (the first statements of a DuckDB instance and of the loaded code cost more),
 * their order alternating. Checks both did the same work, then writes its block ("### Paris traffic") in the
 * "Cityflow" section of RESULTS.md (bench/RESULTS.md by default; the rest is left as it is).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cityflowTrafficDataset } from '../../src/datasets/cityflow-traffic/module.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { openDuckDb } from '../../src/duckdb/duckdb.js';
import { BENCH_DIR } from '../lib/child.js';
import { int, mb, num, ratio, seconds, table } from '../lib/markdown.js';
import { max, median } from '../lib/stats.js';
import { trafficNetworkDay } from './traffic-input.js';
import { writeCityflowBlock } from './results-block.js';
import { timedModuleDay } from './timed-day.js';
import { nativeTrafficDay, type NativeFigures } from './traffic-native.js';

const BLOCK = '### Paris traffic';
const DATE = '2025-10-18';
const GOAL_SECONDS = 1;
const GOAL_RATIO = 2;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    arcs: { type: 'string', default: '3300' },
    out: { type: 'string' },
  },
});
const runs = Number(values.runs);
const arcs = Number(values.arcs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: a positive whole number, got ${values.runs}`);
if (!Number.isInteger(arcs) || arcs < 1 || arcs > 9000) throw new Error(`--arcs: 1..9000, got ${values.arcs}`);
const out = path.resolve(values.out ?? path.join(BENCH_DIR, 'RESULTS.md'));
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** The same work: rows kept, arcs, Σ q (to the cent: courant sums decimals, the script doubles), states, busiest arcs and hours equal. */
function sameWork(document: Readonly<Record<string, unknown>>, written: number, native: NativeFigures): string | null {
  const busiest = (document.busiestArcs as Array<{ arcId: string }>).map((b) => b.arcId);
  const checks: Array<[string, unknown, unknown]> = [
    ['rows', written, native.written],
    ['arcs', document.arcs, native.arcs],
    ['arcs with a flow', document.arcsWithFlow, native.arcsWithFlow],
    [
      'vehicles',
      Math.abs(Number(document.vehicles) - native.vehicles) < 0.01 ? native.vehicles : document.vehicles,
      native.vehicles,
    ],
    ['states', JSON.stringify(document.arcHoursByState), JSON.stringify(sortKeys(native.states))],
    ['busiest', busiest.join(), native.busiest.join()],
    ['hours', (document.hourly as unknown[]).length, native.hourly],
  ];
  const differ = checks.filter(([, a, b]) => a !== b);
  return differ.length === 0 ? null : differ.map(([name, a, b]) => `${name}: ${String(a)} ≠ ${String(b)}`).join('; ');
}

const sortKeys = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

const work = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-traffic-'));
try {
  const input = path.join(work, 'traffic.csv');
  const made = await trafficNetworkDay(input, DATE, arcs);
  log(`${int(made.rows)} rows, ${mb(made.bytes)} MB, ${num((100 * made.nullFlows) / made.rows)} % of q empty`);
  const range = path.join(work, 'range.json');
  await writeFile(range, JSON.stringify({ total_count: 1, results: [{ first: null, last: null }] }));
  const files: DayFile[] = [
    { source: 'traffic', key: 'raw/cityflow-traffic/traffic.csv', path: input, sha256: 'x', order: 0, options: {} },
    { source: 'range', key: 'raw/cityflow-traffic/range.json', path: range, sha256: 'x', order: 0, options: {} },
  ];
  const instance = await openDuckDb({ tempDirectory: path.join(work, 'duckdb') });
  const db = await instance.connect();
  const config = cityflowTrafficDataset.config.read({
    PARIS_OPENDATA_BASE_URL: 'http://127.0.0.1:1',
    CITYFLOW_TRAFFIC_DAILY: 'false',
  });
  const rounds: Array<{ transform: number; metrics: number; total: number; native: number }> = [];
  let problem: string | null = null;
  for (let round = -1; round < runs; round += 1) {
    const dir = await mkdtemp(path.join(work, 'day-'));
    const courant = () => timedModuleDay(cityflowTrafficDataset, { date: DATE, config, db }, files, dir);
    const native = async () => {
      const started = performance.now();
      const figures = await nativeTrafficDay(db, input, DATE, path.join(dir, 'native.parquet'));
      return { figures, seconds: (performance.now() - started) / 1e3 };
    };
    const [c, n] = round % 2 === 0 ? [await courant(), await native()] : [undefined, await native()];
    const ours = c ?? (await courant());
    problem ??= sameWork(ours.metrics.document, ours.result.rows.written, n.figures);
    await rm(dir, { recursive: true, force: true });
    if (round < 0) continue;
    rounds.push({
      transform: ours.transform,
      metrics: ours.total - ours.transform,
      total: ours.total,
      native: n.seconds,
    });
    log(`round ${round + 1}: courant ${seconds(ours.total)}, DuckDB-native ${seconds(n.seconds)}`);
  }
  db.closeSync();
  instance.closeSync();
  const total = median(rounds.map((r) => r.total));
  const native = median(rounds.map((r) => r.native));
  const times = median(rounds.map((r) => r.total / r.native));
  const load = os.loadavg()[0] ?? 0;
  const row = (name: string, values: number[]) => [name, seconds(median(values)), seconds(max(values))];
  const block = [
    BLOCK,
    '',
    `Run ${new Date().toISOString().slice(0, 16)}Z; \`node --import tsx bench/cityflow/traffic.ts\` (\`bench/cityflow/traffic.ts\`, ${runs} rounds in one process after an untimed warm-up, the two alternating). ` +
      `One full network day (${DATE}) of ${int(arcs)} arcs × 24 hours, synthetic in the export's layout (\`traffic-input.ts\`: \`;\`, CRLF, \`t_1h\` in UTC, rows unsorted, ` +
      `${num((100 * made.nullFlows) / made.rows)} % of \`q\` empty, states by \`k\`): ${int(made.rows)} rows, ${mb(made.bytes)} MB. ` +
      "courant: the module's transform then its metrics; DuckDB-native: the same rows and figures as one plain SQL script (`traffic-native.ts`). Both with the worker's DuckDB settings (2 threads, 512 MB).",
    '',
    table(
      ['step', 'median', 'max'],
      [
        row(
          'courant transform',
          rounds.map((r) => r.transform),
        ),
        row(
          'courant metrics',
          rounds.map((r) => r.metrics),
        ),
        row(
          '**courant transform + metrics**',
          rounds.map((r) => r.total),
        ),
        row(
          'DuckDB-native (read, window, Parquet, aggregates)',
          rounds.map((r) => r.native),
        ),
      ],
    ),
    '',
    `- **${total <= GOAL_SECONDS ? 'Met' : 'Missed'}** — a full network day transformed with metrics in ≤ ${GOAL_SECONDS} s: ${seconds(total)} (median).`,
    `- **${times <= GOAL_RATIO ? 'Met' : 'Missed'}** — within ${GOAL_RATIO}× DuckDB-native: ${ratio(times)} (median of the rounds' ratios; native ${seconds(native)}).`,
    "- courant does more than the script: it reads every field as trimmed text with its line, so that a rejected row is listed with its line, column and value, judges each row against the module's four rules, writes the rejects file and its metrics read the Parquet back; the script types the columns in `read_csv` and drops bad rows.",
    `- ${problem === null ? 'Same work: rows kept, arcs, Σ q, states, busiest arcs and hours equal' : `**Different work**: ${problem}`}; the machine's load average (2 cores, shared) was ${load.toFixed(1)} at the end of the run.`,
    '',
  ].join('\n');
  await writeCityflowBlock(out, block);
  log(`wrote the traffic block of the Cityflow section of ${out}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
