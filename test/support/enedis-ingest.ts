/** An Enedis flow ingested as a supplier drops it: a folder of its own, `courant ingest --wait`. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import type { Config } from '../../src/config/index.js';
import { runCommandLine } from './run-cli.js';
import { cliEnv } from './test-stack.js';

/** Writes `body` as `{dir}/{name}/{name}.xml` and ingests that folder (`--dataset enedis --wait`); it must succeed. */
export async function ingestEnedisXml(config: Config, dir: string, name: string, body: string): Promise<void> {
  const folder = path.join(dir, name);
  await mkdir(folder);
  await writeFile(path.join(folder, `${name}.xml`), body);
  const r = await runCommandLine(['ingest', '--dataset', 'enedis', '--dir', folder, '--wait'], cliEnv(config));
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
}
