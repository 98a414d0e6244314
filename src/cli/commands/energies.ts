/**
 * `courant energies --dataset NAME --from D1 --to D2 [--prm P ...] [--format csv|json|parquet]
 * [--out FILE]`: energy per meter and period over the Paris days D1..D2, computed by the dataset's
 * module with DuckDB over its stored days (the day before D1 included: its end is the start
 * index), each row with its verdict. CSV on standard output unless `--out` is given; a line on
 * standard error counts the verdicts. Reads the object store only: nothing is written there, and
 * the record store is not needed.
 */
import type { Command } from 'commander';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PeriodEnergies } from '../../datasets/capabilities/energies.js';
import { DATASET_MODULES } from '../../datasets/registry.js';
import { sqlString } from '../../duckdb/columns.js';
import { modulesWith } from '../../datasets/modules.js';
import { csvSafeQuery } from '../../duckdb/csv-text.js';
import { openDuckDb } from '../../duckdb/duckdb.js';
import { createObjectStorage } from '../../storage/index.js';
import { energyDayFiles } from '../../serve/period-energies.js';
import type { CommandContext } from '../context.js';
import { PipelineFailedError, UsageError } from '../errors.js';
import { checkOutputFile } from '../output-paths.js';
import { parseRangeOptions } from '../range-options.js';

const ENERGY_MODULES = modulesWith(DATASET_MODULES, 'energies');
const ENERGY_DATASETS = ENERGY_MODULES.map((m) => m.dataset.name);
const FORMATS = ['csv', 'json', 'parquet'] as const;
type Format = (typeof FORMATS)[number];
const METER = /^[A-Za-z0-9._-]{1,64}$/;

function parseDataset(value: unknown): { name: string; energies: PeriodEnergies } {
  const module = ENERGY_MODULES.find((m) => m.dataset.name === value);
  if (!module)
    throw new UsageError(
      `--dataset: expected one of ${ENERGY_DATASETS.join(', ')} (datasets of meter indexes), got ${JSON.stringify(value)}`,
    );
  return { name: module.dataset.name, energies: module.capability };
}

function parseMeters(value: unknown): string[] {
  const meters = Array.isArray(value) ? value.map(String) : [];
  const bad = meters.find((m) => !METER.test(m));
  if (bad !== undefined)
    throw new UsageError(`--prm: letters, digits, . _ - only (at most 64), got ${JSON.stringify(bad)}`);
  return meters;
}

function parseFormat(options: Record<string, unknown>): Format {
  const format = options.format ?? 'csv';
  if (!FORMATS.includes(format as Format))
    throw new UsageError(`--format: expected one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  if (format === 'parquet' && typeof options.out !== 'string')
    throw new UsageError('--format parquet needs --out FILE');
  return format as Format;
}

function copySql(query: string, target: string, format: Format): string {
  const options = { csv: 'FORMAT csv, HEADER true', json: 'FORMAT json, ARRAY true', parquet: 'FORMAT parquet' }[
    format
  ];
  return `COPY (${query}) TO ${sqlString(target)} (${options})`;
}

/**
 * The rows of `target` as written in `format`, to read its verdicts back; a JSON array's key named,
 * as an empty one (no row) names none.
 */
function readBack(target: string, format: Format): string {
  const file = sqlString(target);
  return {
    csv: `read_csv(${file}, header = true, all_varchar = true)`,
    json: `read_json(${file}, format = 'array', records = true, columns = {verdict: 'VARCHAR'})`,
    parquet: `read_parquet(${file})`,
  }[format];
}

export function defineEnergiesCommand(command: Command, context: () => CommandContext): void {
  command
    .requiredOption('--dataset <name>', `a dataset of meter indexes: ${ENERGY_DATASETS.join(', ')}`)
    .requiredOption('--from <YYYY-MM-DD>', 'first Paris day of the period')
    .requiredOption('--to <YYYY-MM-DD>', 'last Paris day of the period (inclusive)')
    .option('--prm <id>', 'only this meter (repeatable)', (value: string, all: string[] = []) => [...all, value])
    .option('--format <format>', `${FORMATS.join(', ')} (default csv)`)
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (options: Record<string, unknown>) => {
      const { name, energies } = parseDataset(options.dataset);
      const { from, to } = parseRangeOptions(options, new Date());
      const meters = parseMeters(options.prm);
      const format = parseFormat(options);
      const out = typeof options.out === 'string' ? await checkOutputFile('--out', options.out) : null;
      const ctx = context();
      const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-energies-'));
      const storage = await createObjectStorage(ctx.config);
      try {
        const range = { first: energies.firstDay(from), last: to };
        const files = await energyDayFiles(storage.objects, name, energies, range, dir);
        if (files.length === 0)
          throw new PipelineFailedError(`no day of ${name} is stored in ${range.first}..${to}: ingest its files first`);
        const instance = await openDuckDb({ tempDirectory: dir });
        const db = await instance.connect();
        try {
          const query = energies.sql({ from, to, files, meters });
          const target = out ?? path.join(dir, `energies.${format}`);
          // CSV text behind a quote when a spreadsheet would take it for a formula; JSON and Parquet exact.
          await db.run(copySql(format === 'csv' ? await csvSafeQuery(db, query) : query, target, format));
          // Counted from what was written: the query again would compute every energy a second time.
          const verdicts = (
            await db.runAndReadAll(
              `SELECT verdict, count(*) AS n FROM ${readBack(target, format)} GROUP BY verdict ORDER BY verdict`,
            )
          ).getRowObjects();
          if (out === null) ctx.out.write(await readFile(target, 'utf8'));
          ctx.err.write(
            `${name} ${from}..${to}: ${verdicts.map((v) => `${Number(v.n)} ${String(v.verdict)}`).join(', ') || 'no meter'}` +
              `${out === null ? '' : ` → ${target}`}\n`,
          );
        } finally {
          db.closeSync();
          instance.closeSync();
        }
      } finally {
        storage.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
}
