/**
 * Writes a billing scenario (scenario.ts): the C15 and R151 flows as Enedis delivers them (`xml/`),
 * the same data as flow tables (`tables/`, flow-tables.ts), each point's kind (`kinds.csv`) and the
 * options (`scenario.json`). Seeded: the same options write the same bytes.
 *
 *   node --import tsx bench/billing/generate.ts --size small|large [--month 2025-03] [--contracts N]
 *        [--seed S] [--out DIR] [--no-xml]
 *
 * small: one point per kind (every rule), large: 100 000 points with realistic weights. The default
 * folder is .tools/bench-data/billing/<size>-<month>-<contracts>-<seed> (git-ignored).
 */
import { Command } from 'commander';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { BENCH_DATA_DIR } from '../inputs/files.js';
import { writeFlowTables } from './flow-tables.js';
import { writeFlowXml } from './flow-xml-writers.js';
import { buildScenario, KINDS } from './scenario.js';

export const GenerateOptions = z.object({
  size: z.enum(['small', 'large']),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM'),
  contracts: z.number().int().positive().optional(),
  seed: z.string().min(1),
  out: z.string().optional(),
  xml: z.boolean(),
});
export type GenerateOptions = z.infer<typeof GenerateOptions>;

export interface GeneratedScenario {
  readonly dir: string;
  readonly month: string;
  readonly contracts: number;
  readonly tables: { readonly c15Events: string; readonly r151Readings: string };
  readonly xmlFiles: readonly string[];
}

const contractsOf = (options: GenerateOptions) =>
  options.contracts ?? (options.size === 'small' ? KINDS.length : 100_000);

/** The folder of the scenario of `options`. */
export function scenarioDir(options: GenerateOptions): string {
  return (
    options.out ??
    path.join(BENCH_DATA_DIR, 'billing', `${options.size}-${options.month}-${contractsOf(options)}-${options.seed}`)
  );
}

/** The files of the scenario of `options` (written or not). */
export function scenarioOf(options: GenerateOptions): GeneratedScenario {
  const dir = scenarioDir(options);
  return {
    dir,
    month: options.month,
    contracts: contractsOf(options),
    tables: {
      c15Events: path.join(dir, 'tables', 'c15_events.parquet'),
      r151Readings: path.join(dir, 'tables', 'r151_readings.parquet'),
    },
    xmlFiles: [],
  };
}

/** Generates the scenario of `options` into its folder (emptied first). */
export async function generate(options: GenerateOptions): Promise<GeneratedScenario> {
  const contracts = contractsOf(options);
  const dir = scenarioDir(options);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'tables'), { recursive: true });
  await mkdir(path.join(dir, 'xml'), { recursive: true });
  const scenario = buildScenario({ month: options.month, contracts, seed: options.seed, mix: options.size });
  const xmlFiles = options.xml ? await writeFlowXml(scenario, path.join(dir, 'xml')) : [];
  await writeFlowTables(scenario, path.join(dir, 'tables'));
  await writeFile(
    path.join(dir, 'kinds.csv'),
    `pdl,kind\n${[...scenario.kinds].map(([pdl, kind]) => `${pdl},${kind}`).join('\n')}\n`,
  );
  await writeFile(
    path.join(dir, 'scenario.json'),
    `${JSON.stringify({ size: options.size, month: options.month, contracts, seed: options.seed, events: scenario.events.length }, null, 2)}\n`,
  );
  return { ...scenarioOf(options), xmlFiles };
}

async function main(): Promise<void> {
  const program = new Command()
    .requiredOption('--size <size>', 'small (every rule) or large (100 000 points)')
    .option('--month <YYYY-MM>', 'the month billed', '2025-03')
    .option('--contracts <n>', 'points (default: small one per kind, large 100 000)')
    .option('--seed <seed>', 'seed of the scenario', '1')
    .option('--out <dir>', 'folder written (emptied first)')
    .option('--no-xml', 'write the tables only')
    .parse();
  const raw = program.opts<Record<string, unknown>>();
  const parsed = GenerateOptions.safeParse({
    ...raw,
    contracts: raw.contracts === undefined ? undefined : Number(raw.contracts),
  });
  if (!parsed.success) {
    process.stderr.write(`generate: ${parsed.error.message}\n`);
    process.exit(2);
  }
  const generated = await generate(parsed.data);
  process.stdout.write(`${JSON.stringify(generated, null, 2)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
