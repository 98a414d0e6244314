/**
 * Every dataset's demo source on loopback, in a process of its own so that serving the samples
 * does not count in the worker's CPU: prints `SOURCES {json}` (each dataset's configuration pointing
 * at its stand-in) once they answer, and serves until it is stopped (SIGTERM).
 * Configured by the same environment as `courant worker`.
 */
import { withDemo } from '../../src/cli/demo-datasets.js';
import { loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';

const config = loadConfig(process.env, DATASET_MODULES);
const started = await Promise.all(
  withDemo(DATASET_MODULES).map(async (m) => ({ name: m.name, source: await m.demo.start(config.datasets[m.name]) })),
);
const stop = async () => {
  for (const { source } of started) await source.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
process.stdout.write(`SOURCES ${JSON.stringify(Object.fromEntries(started.map((s) => [s.name, s.source.config])))}\n`);
