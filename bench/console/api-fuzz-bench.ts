/**
 * The read API fuzzed without a seed: Schemathesis, every check and phase, new requests each run,
 * against the console over a FerretDB started for the run and holding the store of the contract
 * test (succeeded, failed, blocked and Enedis days), bearer tokens required. The test suite runs
 * the same fuzzer with a fixed seed; this run looks further. Writes the "API fuzzing" section of
 * RESULTS.md (bench/RESULTS.md by default); exits 1 on any finding.
 *
 *   node --import tsx bench/console/api-fuzz-bench.ts [--max-examples N] [--out FILE]
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { createStorage } from '../../src/storage/index.js';
import { fuzzApi } from '../../test/support/api-fuzz.js';
import { startConsole } from '../../test/support/console-server.js';
import { fillConsoleStore } from '../../test/support/console-store.js';
import { BENCH_DIR, installChildCleanup } from '../lib/child.js';
import { withDocumentStore } from '../lib/servers.js';
import { writeSection } from '../lib/markdown.js';

const SECTION = '## API fuzzing';
const TOKEN = 'tok-bench-0123456789abcdef0123456789';

const { values } = parseArgs({
  options: { 'max-examples': { type: 'string', default: '100' }, out: { type: 'string' } },
});
const maxExamples = Number(values['max-examples']);
const out = path.resolve(values.out ?? path.join(BENCH_DIR, 'RESULTS.md'));

/** What `pattern`'s first group finds in Schemathesis's output, trimmed, or `—`. */
function found(output: string, pattern: RegExp): string {
  return pattern.exec(output)?.[1]?.trim() ?? '—';
}

async function main(): Promise<number> {
  installChildCleanup();
  return withDocumentStore('courant-bench-fuzz-', async ({ mongoBase, dir }) => {
    const config = loadConfig(
      {
        MONGODB_URL: `${mongoBase}/fuzz_bench`,
        DATA_DIR: path.join(dir, 'data'),
        STORAGE_MODE: 'local',
      },
      DATASET_MODULES,
    );
    const storage = await createStorage(config);
    await fillConsoleStore(storage, dir);
    const server = await startConsole({
      config,
      records: storage.records,
      objects: storage.objects,
      tokens: [TOKEN],
      rateLimit: { max: 1_000_000, windowMs: 60_000 },
    });
    const origin = server.origin;
    const started = performance.now();
    const result = await fuzzApi({ origin, token: TOKEN, maxExamples });
    const seconds = (performance.now() - started) / 1000;
    await server.close();
    await storage.close();
    const findings = result.code !== 0;
    const cpu = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, load ${os.loadavg()[0]?.toFixed(1)}`;
    const section = [
      SECTION,
      '',
      `\`node --import tsx bench/console/api-fuzz-bench.ts --max-examples ${maxExamples}\` — ${new Date().toISOString().slice(0, 10)}, ${cpu}.`,
      '',
      `Schemathesis (test/serve/fuzz/requirements.txt), every check and phase, unseeded, up to ${maxExamples} cases per operation and phase, against \`/api/v1/openapi.json\` of the console over the contract test's store (succeeded, failed, blocked and Enedis days), bearer token required.`,
      '',
      `- Test cases: ${found(result.output, /Test cases:\s*\n\s*(.+)/)}; ${found(result.output, /=+ (.+ in [\d.]+s) =+/)}.`,
      `- Seed ${found(result.output, /Seed: (\d+)/)} (to replay the run: \`--seed\`), ${seconds.toFixed(0)} s in all.`,
      `- ${findings ? '**findings**: the server and its document disagree (the run exits 1; its output names each case with the curl command reproducing it)' : '**no finding**: the server and its OpenAPI document agree on every request sent'}.`,
      '',
    ].join('\n');
    await writeSection(out, SECTION, section);
    process.stdout.write(`${findings ? result.output : ''}${section}\n→ ${out}\n`);
    return findings ? 1 : 0;
  });
}

process.exitCode = await main();
