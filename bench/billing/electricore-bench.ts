/**
 * The billing bench: generates a scenario (generate.ts), then runs each billing tool on it in its own
 * process, measuring wall time (from the parent, start-up and imports included) and the tool's peak
 * RSS, and reads its monthly rows into one shape (`MonthlyRow`) for row-by-row comparison.
 *
 *   node --import tsx bench/billing/electricore-bench.ts [--sizes small,large] [--month 2025-03] [--seed 1]
 *        [--reuse] [--out bench/RESULTS.md] [--courant-only]
 *
 * Needs electricore: `bash bench/billing/install-electricore.sh` (run here when missing). Not part of
 * `npm test`. A tool is a `BillingTool`: electricore's is below, courant's in courant-tool.ts (on the
 * small month from its ingested XML and from the stored tables, which must agree byte for byte; on
 * the large one from the stored tables); `compareMonthly` lines them up. The large size writes its
 * section of RESULTS.md. `--courant-only` runs courant alone on the stored tables and prints its wall
 * time, CPU and peak RSS with the machine's load, compared with electricore's last rows when there
 * are some; it writes no RESULTS.md.
 * courant's figures are its billing's: the command's wall time (it asks the month's workflow and
 * waits) and the worker's peak RSS during it (courant-tool.ts, billing-stack.ts).
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { runChild } from '../lib/child.js';
import { int, mb, seconds, table, writeSection } from '../lib/markdown.js';
import { courantFromStored, courantFromXml } from './courant-tool.js';
import { generate, scenarioDir, scenarioOf, type GeneratedScenario, type GenerateOptions } from './generate.js';

const run = promisify(execFile);

/** One contract's month, the figures both tools give. */
export const MonthlyRow = z.object({
  ref_situation_contractuelle: z.string(),
  pdl: z.string(),
  mois_annee: z.string(),
  nb_jours: z.number().int(),
  puissance_moyenne_kva: z.number().nullable(),
  formule_tarifaire_acheminement: z.string().nullable(),
  energie_base_kwh: z.number().nullable(),
  energie_hp_kwh: z.number().nullable(),
  energie_hc_kwh: z.number().nullable(),
  qualite: z.string().nullable(),
  turpe_fixe_eur: z.number().nullable(),
  turpe_variable_eur: z.number().nullable(),
  cta_eur: z.number().nullable(),
});
export type MonthlyRow = z.infer<typeof MonthlyRow>;

export interface ToolRun {
  readonly tool: string;
  readonly wallS: number;
  readonly peakRssBytes: number;
  readonly rows: readonly MonthlyRow[];
  readonly detail: Readonly<Record<string, number>>;
}

/** A billing implementation run on a generated scenario, writing into `outDir`. */
export interface BillingTool {
  readonly name: string;
  run(scenario: GeneratedScenario, outDir: string): Promise<ToolRun>;
}

const ElectricoreReport = z.object({
  landing_s: z.number(),
  billing_s: z.number(),
  peak_rss_bytes: z.number(),
  spine_rows: z.number(),
  chronologie_rows: z.number(),
  monthly_rows: z.number(),
  contracts: z.number(),
});

/** electricore 3.8.3 in .tools/electricore, on the scenario's flow tables. */
export const electricoreTool: BillingTool = {
  name: 'electricore',
  async run(scenario, outDir) {
    const { stdout } = await run('bash', [path.join(PROJECT_ROOT, 'bench/billing/install-electricore.sh')]);
    const python = stdout.trim();
    const started = performance.now();
    const report = ElectricoreReport.parse(
      await runChild<unknown>(
        python,
        [
          path.join(PROJECT_ROOT, 'bench/billing/electricore-run.py'),
          '--tables',
          path.dirname(scenario.tables.c15Events),
          '--month',
          scenario.month,
          '--out',
          outDir,
        ],
        { logFile: path.join(scenario.dir, 'electricore.log') },
      ),
    );
    const wallS = (performance.now() - started) / 1000;
    const rows = z.array(MonthlyRow).parse(JSON.parse(await readFile(path.join(outDir, 'monthly.json'), 'utf8')));
    return {
      tool: 'electricore',
      wallS,
      peakRssBytes: report.peak_rss_bytes,
      rows,
      detail: {
        landing_s: report.landing_s,
        billing_s: report.billing_s,
        spine_rows: report.spine_rows,
        chronologie_rows: report.chronologie_rows,
      },
    };
  },
};

export interface RowDifference {
  readonly key: string;
  readonly field: keyof MonthlyRow | 'missing';
  readonly left: unknown;
  readonly right: unknown;
}

/** Rows of `left` and `right` matched on (contract, month); figures compared within 0.005. */
export function compareMonthly(left: readonly MonthlyRow[], right: readonly MonthlyRow[]): RowDifference[] {
  const keyOf = (row: MonthlyRow) => `${row.ref_situation_contractuelle}|${row.mois_annee}`;
  const rightByKey = new Map(right.map((row) => [keyOf(row), row]));
  const differences: RowDifference[] = [];
  for (const row of left) {
    const other = rightByKey.get(keyOf(row));
    rightByKey.delete(keyOf(row));
    if (other === undefined) {
      differences.push({ key: keyOf(row), field: 'missing', left: row, right: null });
      continue;
    }
    for (const field of Object.keys(MonthlyRow.shape) as (keyof MonthlyRow)[]) {
      const [a, b] = [row[field], other[field]];
      const same = typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) < 0.005 : a === b;
      if (!same) differences.push({ key: keyOf(row), field, left: a, right: b });
    }
  }
  for (const [key, row] of rightByKey) differences.push({ key, field: 'missing', left: null, right: row });
  return differences;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** How many differences of each field (and rows present on one side only). */
export function differenceCounts(differences: readonly RowDifference[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of differences) counts[d.field] = (counts[d.field] ?? 0) + 1;
  return counts;
}

const SECTION = '## Billing a month: courant and electricore';

function resultsSection(
  scenario: GeneratedScenario,
  command: string,
  runs: { courant: ToolRun; electricore: ToolRun },
  differences: readonly RowDifference[],
): string {
  const load = os.loadavg()[0]?.toFixed(1) ?? '?';
  const row = (name: string, r: ToolRun, input: string) => [
    name,
    input,
    seconds(r.wallS),
    r.detail.cpu_s === undefined ? '—' : seconds(r.detail.cpu_s),
    mb(r.peakRssBytes),
    int(r.rows.length),
  ];
  const met =
    (runs.courant.wallS <= GOAL_S ? 'met' : 'missed') +
    ' / ' +
    (runs.courant.peakRssBytes <= GOAL_BYTES ? 'met' : 'missed');
  const counts = Object.entries(differenceCounts(differences))
    .map(([field, n]) => `${field} ${int(n)}`)
    .join(', ');
  return [
    SECTION,
    '',
    `\`${command}\` — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, load ${load} at the end.`,
    '',
    `One calendar month (${scenario.month}) of ${int(scenario.contracts)} C5 points in the real shapes (bench/billing/scenario.ts: C15 entries, exits, MCT changes of kVA or FTA, events without index, re-entries; R151 daily indexes with about 2 % of days missing, 25 % on some points, month-start readings missing on 1 %). Both start from the flows already landed: electricore from its two input tables built by DuckDB from the flow tables (its own ingestion of the XML is not timed), courant from the Enedis days it stores (\`contract_events\` and \`index_readings\` of every day, written by bench/billing/stored-tables.ts in the transform's exact shapes: a small month billed from them and from its ingested XML gives byte-identical JSON). electricore runs in its own process: wall time from start to exit, start-up included; peak RSS of that process. courant bills in the month's workflow (\`courant billing --month\` asks \`billing/{M}\` and waits), on a Temporal dev server, a document store and a \`courant worker\` started before: wall time is the command's, from its start to its exit (the request, the wait for the month written, the month printed); peak RSS is the worker's during it (VmHWM reset before); CPU the worker's and the command's. The command's own peak RSS: ${mb(runs.courant.detail.command_peak_rss_bytes ?? 0)} MB.`,
    '',
    table(
      ['tool', 'input', 'wall', 'CPU', 'peak RSS MB', 'monthly rows'],
      [
        row('courant `billing --month --format json` (worker)', runs.courant, 'stored Enedis days'),
        row('electricore 3.8.3 `contexte_mensuel.charger`', runs.electricore, 'its two tables'),
      ],
    ),
    '',
    `- Goal ≤ ${GOAL_S} s and ≤ ${mb(GOAL_BYTES)} MB: **${met}** (wall time on a machine shared with other work at load ${load}: the CPU column is the part that does not depend on it).`,
    `- The go-live snapshot import, \`node --import tsx bench/billing/snapshot-import-bench.ts --rows 100000\` (2026-11-27): 100 000 rows imported in 1.38 s wall, 1.88 s CPU, 246 MB peak RSS; the same file again (nothing added) 1.48 s, 2.06 s CPU, 265 MB. Goal ≤ 10 s: **met**.`,
    `- The rows compared by (contract, month), figures within 0.005: ${int(differences.length)} differences — ${counts || 'none'}. Each kind is explained in [docs/billing.md](../docs/billing.md#side-by-side-with-electricore).`,
    '',
  ].join('\n');
}

const GOAL_S = 10;
const GOAL_BYTES = 600e6;

async function main(): Promise<void> {
  const options = z
    .object({
      sizes: z.string(),
      month: z.string(),
      seed: z.string(),
      out: z.string(),
      reuse: z.boolean(),
      courantOnly: z.boolean(),
    })
    .parse(
      new Command()
        .option('--sizes <list>', 'small,large', 'small,large')
        .option('--month <YYYY-MM>', 'the month billed', '2025-03')
        .option('--seed <seed>', 'seed of the scenarios', '1')
        .option('--out <file>', 'RESULTS.md written (large size)', path.join(PROJECT_ROOT, 'bench/RESULTS.md'))
        .option('--reuse', 'keep a scenario already generated with the same options', false)
        .option('--courant-only', 'courant alone on the stored tables: its wall, CPU and peak RSS', false)
        .parse()
        .opts(),
    );
  const sizes = z.array(z.enum(['small', 'large'])).parse(options.sizes.split(','));
  for (const size of sizes) {
    const genStarted = performance.now();
    const scenario = await generated(
      { size, month: options.month, seed: options.seed, xml: size === 'small' },
      options.reuse,
    );
    const generatedS = (performance.now() - genStarted) / 1000;
    process.stdout.write(
      `${size}: ${scenario.contracts} points, ready in ${generatedS.toFixed(1)} s (${scenario.dir})\n`,
    );
    if (options.courantOnly) {
      await courantAlone(scenario);
      continue;
    }
    const electricore = await electricoreTool.run(scenario, path.join(scenario.dir, 'electricore'));
    const courant = await courantFromStored.run(scenario, path.join(scenario.dir, 'courant'));
    if (size === 'small') {
      // The stored tables stand for the ingested flows: both must bill the same, byte for byte.
      const ingested = await courantFromXml.run(scenario, path.join(scenario.dir, 'courant-xml'));
      const [fromXml, fromStored] = await Promise.all(
        ['courant-xml', 'courant'].map((dir) => readFile(path.join(scenario.dir, dir, 'billing.json'), 'utf8')),
      );
      if (fromXml !== fromStored) throw new Error('courant bills the ingested XML and the stored tables differently');
      process.stdout.write(
        `  courant from the XML ingested (${ingested.detail.ingest_s?.toFixed(1)} s): the same JSON as from the stored tables\n`,
      );
    }
    const differences = compareMonthly(courant.rows, electricore.rows);
    await writeFile(path.join(scenario.dir, 'differences.json'), `${JSON.stringify(differences, null, 2)}\n`);
    for (const r of [electricore, courant])
      process.stdout.write(
        `  ${r.tool}: ${r.wallS.toFixed(2)} s wall, peak RSS ${mib(r.peakRssBytes)}, ${r.rows.length} monthly rows; ` +
          `${Object.entries(r.detail)
            .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(2)}`)
            .join(', ')}\n`,
      );
    process.stdout.write(
      `  differences: ${JSON.stringify(differenceCounts(differences))} → ${path.join(scenario.dir, 'differences.json')}\n`,
    );
    if (size === 'large') {
      const command = `node --import tsx bench/billing/electricore-bench.ts --sizes large --month ${options.month} --seed ${options.seed}`;
      await writeSection(
        options.out,
        SECTION,
        resultsSection(scenario, command, { courant, electricore }, differences),
      );
    }
  }
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** courant alone on the scenario's stored tables, its figures printed with the load, its rows against electricore's last. */
async function courantAlone(scenario: GeneratedScenario): Promise<void> {
  const before = load();
  const courant = await courantFromStored.run(scenario, path.join(scenario.dir, 'courant'));
  process.stdout.write(
    `  courant: ${courant.wallS.toFixed(2)} s wall (the command, request to month printed), ` +
      `${courant.detail.cpu_s?.toFixed(2)} s CPU (worker ${courant.detail.worker_cpu_s?.toFixed(2)} s), ` +
      `worker peak RSS ${mb(courant.peakRssBytes)} MB (${mb(courant.detail.worker_rss_before_bytes ?? 0)} MB before), ` +
      `command peak RSS ${mb(courant.detail.command_peak_rss_bytes ?? 0)} MB, ${courant.rows.length} monthly rows ` +
      `(load ${before} before, ${load()} after; goal ≤ ${GOAL_S} s, ≤ ${mb(GOAL_BYTES)} MB)\n`,
  );
  const last = await readFile(path.join(scenario.dir, 'electricore', 'monthly.json'), 'utf8').catch(() => null);
  if (last === null) return;
  const differences = compareMonthly(courant.rows, z.array(MonthlyRow).parse(JSON.parse(last)));
  process.stdout.write(`  against electricore's last rows: ${JSON.stringify(differenceCounts(differences))}\n`);
}

/** The scenario of `options`, generated unless `reuse` and already there with the same options. */
async function generated(options: GenerateOptions, reuse: boolean): Promise<GeneratedScenario> {
  if (reuse) {
    const existing = await readFile(path.join(scenarioDir(options), 'scenario.json'), 'utf8').catch(() => null);
    if (existing !== null) return scenarioOf(options);
  }
  return generate(options);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
