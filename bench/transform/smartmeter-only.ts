/**
 * The smart-meter rows of the transform comparison alone (courant, pandas + pyarrow, DuckDB-native
 * on the generated day), for a targeted run between full runs: the same processes, rounds and
 * table as `npm run bench`, printed as markdown.
 * Usage: node --import tsx bench/transform/smartmeter-only.ts [--rows 1000000,10000000] [--runs 3]
 */
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SMARTMETER_DATE, smartMeterInput } from '../inputs/smartmeter.js';
import { installChildCleanup } from '../lib/child.js';
import { ensureVenv } from '../lib/venv.js';
import { transformTable } from '../report.js';
import { argsOf } from './outputs.js';
import { benchInput, TOOLS, type InputResult } from './transform-bench.js';

installChildCleanup();
const args = argsOf(process.argv.slice(2));
const sizes = (args.rows ?? '1000000,10000000').split(',').map(Number);
const runs = Number(args.runs ?? 3);
const workDir = path.join(os.tmpdir(), 'courant-bench-smartmeter');
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const logDir = path.join(workDir, 'logs');
await mkdir(logDir, { recursive: true });
const python = await ensureVenv(log);
const results: InputResult[] = [];
for (const rows of sizes) {
  const label = rows >= 1e6 ? `${rows / 1e6} M rows` : `${rows / 1e3} k rows`;
  results.push(
    await benchInput(
      {
        id: `smartmeter-${rows}`,
        shape: 'smartmeter',
        label: `smart meters ${label}`,
        file: () => smartMeterInput(rows),
        date: SMARTMETER_DATE,
        tools: TOOLS,
        runs,
      },
      { workDir, logDir, python, log },
    ),
  );
}
console.log(transformTable(results));
