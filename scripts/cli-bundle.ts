/**
 * Builds the `courant` command into dist/cli (bin/built-cli.js): src/cli/main.ts bundled with
 * esbuild as ES modules, the npm packages left to node_modules, each command in a chunk of its own
 * that loads when it runs, with source maps. The build is made in a folder of its own and put in
 * place whole, with its stamp: a command starting meanwhile runs the old build, the new one or the
 * sources, never half of one.
 */
import { build, type Plugin } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BUILD_STAMP, BUILT_CLI_DIR, type BuildStamp } from '../bin/built-cli.js';

/** File times may lag the clock by a tick, or by a second on some file systems: a file written this close before the build counts as newer. */
const FILE_TIME_COARSENESS_MS = 2_000;

/** Besides the sources, what shapes the build (relative to the project root): a change to either makes it out of date. */
const BUILD_SETTINGS = ['tsconfig.json', 'scripts/cli-bundle.ts'];

/**
 * A module bundled into dist/cli keeps its own `import.meta.url` (the URL of its source file):
 * the files it reads beside itself (rates, samples, the workflows the worker bundles, threads) are
 * found where they are. Any other `import.meta` property fails the build, naming the file.
 */
function sourceModuleUrls(root: string, outDir: string): Plugin {
  return {
    name: 'source-module-urls',
    setup(builder) {
      builder.onLoad({ filter: /\.ts$/ }, async ({ path: file }) => {
        const source = await readFile(file, 'utf8');
        if (!source.includes('import.meta')) return undefined;
        if (/import\.meta(?!\.url\b)/.test(source))
          throw new Error(`${path.relative(root, file)}: of import.meta, the bundle keeps only import.meta.url`);
        const fromOutput = path.relative(outDir, file).split(path.sep).join('/');
        const url = `new URL(${JSON.stringify(fromOutput)}, import.meta.url).href`;
        return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

/** Renames `built` to `target`, moving aside (then removing) a build already there, also one another build puts there meanwhile. */
async function putInPlace(built: string, target: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const aside = `${target}-old-${randomUUID()}`;
    try {
      await rename(target, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    try {
      await rename(built, target);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt === 5) throw error;
    } finally {
      await rm(aside, { recursive: true, force: true });
    }
  }
}

export interface CliBuild {
  /** The files read, relative to `root`. */
  readonly inputs: number;
  /** The size of the built JavaScript, all chunks. */
  readonly bytes: number;
}

/** Builds the command of the project in `root` into `root`/dist/cli, replacing the build there. */
export async function buildCli(root: string): Promise<CliBuild> {
  const startedAtMs = Date.now() - FILE_TIME_COARSENESS_MS;
  const target = path.join(root, BUILT_CLI_DIR);
  const building = `${target}-building-${randomUUID()}`;
  await mkdir(building, { recursive: true });
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: { courant: 'src/cli/main.ts' },
      outdir: building,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      keepNames: true,
      sourcemap: true,
      metafile: true,
      logLevel: 'warning',
      plugins: [sourceModuleUrls(root, target)],
    });
    const files = [...Object.keys(result.metafile.inputs), ...BUILD_SETTINGS];
    const sizes = await Promise.all(
      files.map(async (file) => [file, (await stat(path.join(root, file))).size] as const),
    );
    const stamp: BuildStamp = { startedAtMs, inputs: Object.fromEntries(sizes) };
    await writeFile(path.join(building, path.relative(BUILT_CLI_DIR, BUILD_STAMP)), `${JSON.stringify(stamp)}\n`);
    await putInPlace(building, target);
    const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
    return { inputs: files.length, bytes: outputs.reduce((sum, [, output]) => sum + output.bytes, 0) };
  } finally {
    await rm(building, { recursive: true, force: true });
  }
}
