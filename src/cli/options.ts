/** zod schemas for command-line options; a bad value becomes a UsageError naming the option. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { MAX_BACKFILL_PARALLEL } from '../workflow-safe/inputs.js';
import { BACKFILL_ID_PATTERN } from '../workflow-safe/keys.js';
import { partitionDateProblem } from '../workflow-safe/partition.js';
import { UsageError } from './errors.js';
import { checkOutputFolder } from './output-paths.js';

/** A pipeline day for `--date`-like options: well-formed, supported, and over in Paris. */
export function parseDayOption(option: string, value: unknown, now: Date): string {
  if (typeof value !== 'string') throw new UsageError(`${option} is required (a day written YYYY-MM-DD)`);
  const problem = partitionDateProblem(value, now);
  if (problem) throw new UsageError(`${option}: ${problem}`);
  return value;
}

const datasetList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).min(1));

/** The datasets a name stands for: itself when known, else its family (`cityflow` → every `cityflow-…`). */
function namedBy(name: string, known: readonly string[]): string[] {
  return known.includes(name) ? [name] : known.filter((k) => k.startsWith(`${name}-`));
}

/** The families of the known datasets: the part before the first `-` that several names share. */
function familiesOf(known: readonly string[]): string[] {
  const prefixes = known.flatMap((k) => (k.includes('-') ? [k.slice(0, k.indexOf('-'))] : []));
  return [...new Set(prefixes)].filter((p) => !known.includes(p) && namedBy(p, known).length > 1);
}

/**
 * `--datasets a,b`: names of registered datasets (`known`), or a family standing for its datasets
 * (`cityflow`: every `cityflow-…`), each once in the order given; undefined when not given.
 */
export function parseDatasetsOption(value: unknown, known: readonly string[]): string[] | undefined {
  if (value === undefined) return undefined;
  const parsed = datasetList.safeParse(value);
  if (!parsed.success || parsed.data.some((name) => namedBy(name, known).length === 0)) {
    const families = familiesOf(known);
    throw new UsageError(
      `--datasets: expected a comma-separated list of ${known.join(', ')}` +
        `${families.length > 0 ? ` (or ${families.map((f) => `${f} for all ${f}-…`).join(', ')})` : ''}, got ${JSON.stringify(value)}`,
    );
  }
  return [...new Set(parsed.data.flatMap((name) => namedBy(name, known)))];
}

/** `--parallel N`: days in flight at most, a whole number from 1 to the backfill maximum. */
export function parseParallelOption(value: unknown): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BACKFILL_PARALLEL) {
    throw new UsageError(
      `--parallel: expected a whole number from 1 to ${MAX_BACKFILL_PARALLEL}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

const backfillId = z.string().regex(BACKFILL_ID_PATTERN);

/**
 * `--id ID` of a backfill or an import, checked before anything is stored or started (and in a dry
 * run): undefined when not given.
 */
export function parseBackfillIdOption(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const parsed = backfillId.safeParse(value);
  if (!parsed.success) {
    throw new UsageError(
      `--id: expected 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or a digit, got ${JSON.stringify(value)}`,
    );
  }
  return parsed.data;
}

const noteText = z.string().trim().min(1).max(1000);

/** A free-text option shown to operators (`--note`): not blank, at most 1,000 characters. */
export function parseNoteOption(option: string, value: unknown): string {
  const parsed = noteText.safeParse(value);
  if (!parsed.success) {
    throw new UsageError(`${option}: expected a text of 1 to 1000 characters, got ${JSON.stringify(value)}`);
  }
  return parsed.data;
}

/**
 * `--state-dir DIR` of the embedded stack: a folder, created when missing, so not an existing
 * file, and one courant can write in; returned as an absolute path.
 */
export async function parseStateDirOption(value: unknown): Promise<string> {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(`--state-dir: expected a folder, got ${JSON.stringify(value)}`);
  }
  const dir = path.resolve(value);
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new UsageError(`--state-dir: cannot read ${dir} (${error.code ?? error.message})`, { cause: error });
  });
  if (info !== undefined && !info.isDirectory()) throw new UsageError(`--state-dir: ${dir} is not a folder`);
  await checkOutputFolder('--state-dir', dir);
  return dir;
}
