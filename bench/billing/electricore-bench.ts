/**
 * The billing bench: generates a scenario (generate.ts), then runs each billing tool on it in its own
 * process, measuring wall time (from the parent, start-up and imports included) and the tool's peak
 * RSS, and reads its monthly rows into one shape (`MonthlyRow`) for row-by-row comparison.
 *
 *   node --import tsx bench/billing/electricore-bench.ts [--sizes small,large] [--month 2025-03] [--seed 1]
 *
 * Needs electricore: `bash bench/billing/install-electricore.sh` (run here when missing). Not part of
 * `npm test`. A tool is a `BillingTool`: electricore's is below; courant's (`courant billing --month
 * YYYY-MM --format json` on the scenario's `xml/` flows) is added beside it, and `compareMonthly`
 * lines the two up.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { runChild } from '../lib/child.js';
import { generate, type GeneratedScenario } from './generate.js';

const run = promisify(execFile);

/** One contract's month, the figures both tools give. */
export const MonthlyRow = z.object({
  ref_situation_contractuelle: z.string(),
  pdl: z.string(),
  mois_annee: z.string(),
  nb_jours: z.number().int(),
  puissance_moyenne_kva: z.number(),
  formule_tarifaire_acheminement: z.string(),
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

async function main(): Promise<void> {
  const options = z
    .object({ sizes: z.string(), month: z.string(), seed: z.string() })
    .parse(
      new Command()
        .option('--sizes <list>', 'small,large', 'small,large')
        .option('--month <YYYY-MM>', 'the month billed', '2025-03')
        .option('--seed <seed>', 'seed of the scenarios', '1')
        .parse()
        .opts(),
    );
  const sizes = z.array(z.enum(['small', 'large'])).parse(options.sizes.split(','));
  for (const size of sizes) {
    const genStarted = performance.now();
    const scenario = await generate({ size, month: options.month, seed: options.seed, xml: true });
    const generatedS = (performance.now() - genStarted) / 1000;
    const result = await electricoreTool.run(scenario, path.join(scenario.dir, 'electricore'));
    process.stdout.write(
      `${size}: ${scenario.contracts} points, generated in ${generatedS.toFixed(1)} s (${scenario.dir})\n` +
        `  electricore: ${result.wallS.toFixed(2)} s wall, peak RSS ${mib(result.peakRssBytes)}, ${result.rows.length} monthly rows; ` +
        `${Object.entries(result.detail)
          .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(2)}`)
          .join(', ')}\n`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
