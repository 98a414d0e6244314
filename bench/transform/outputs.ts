/** What every transform child reports, and helpers the children share. */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Figures every tool computes from the same input, compared across tools to check they did the same work. */
export interface TransformChecks {
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly rowsRejected: number;
  /** Partitions (days) written. */
  readonly days: number;
  /** Σ kWh of kept readings (smart meters) or Σ consumption energy in MWh (eCO2mix), rounded. */
  readonly total: number;
}

export interface TransformReport {
  /** From reading the input to the last output written; interpreter start and imports excluded. */
  readonly seconds: number;
  readonly peakRssBytes: number;
  readonly outputBytes: number;
  readonly checks: TransformChecks;
}

/** Total size of the files under `dir`. */
export async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** `--name value` pairs of a child's command line. */
export function argsOf(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    const value = argv[i + 1];
    if (name?.startsWith('--') && value !== undefined) out[name.slice(2)] = value;
  }
  return out;
}

export function required(args: Record<string, string>, name: string): string {
  const value = args[name];
  if (value === undefined) throw new Error(`missing --${name}`);
  return value;
}
