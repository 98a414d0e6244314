/** The Paris benches of `npm run bench`: Vélib' then traffic, each in a process of its own, writing its block in `out`. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { BENCH_DIR, tsNode } from '../lib/child.js';

const run = promisify(execFile);

export async function benchCityflow(options: { smoke: boolean; out: string; log: (message: string) => void }) {
  const smoke = options.smoke ? ['--runs', '1'] : [];
  for (const [script, args] of [
    ['velib.ts', smoke],
    ['traffic.ts', options.smoke ? [...smoke, '--arcs', '200'] : []],
  ] as const) {
    options.log(`cityflow: ${script}`);
    const [command, argv] = tsNode(path.join(BENCH_DIR, 'cityflow', script), ['--out', options.out, ...args]);
    await run(command, argv, { maxBuffer: 64 * 1024 * 1024 });
  }
}
