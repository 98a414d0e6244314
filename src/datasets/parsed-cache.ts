/**
 * Parse once: what a dataset reads from a raw file, kept as a local cache entry, so that a file
 * claimed for many days is read once by the claim rather than again by each of its days. An entry
 * is a folder named by the sha256 of the file's bytes, the version of the dataset's reader and the
 * file's variant (what else its parse depends on, e.g. the meter given with a drop), holding the
 * files the dataset wrote and its `manifest.json`.
 *
 * The entries are a cache (`{tmp}/courant-parsed/{dataset}/`): raw files stay the only truth. A
 * miss (another worker, a cleared cache) parses again and gives the same rows. An entry is written
 * in a folder of its own and renamed into place, so a reader sees a whole entry or none; two
 * processes parsing the same file at once write equal entries and the second keeps the first's.
 * A file already being parsed in this process is waited for rather than parsed twice. The least
 * recently used entries are removed past the cache's bound, and so are the folders of parses
 * left unfinished for a day (a process stopped while it parsed).
 *
 * The cache's size is read whole (every entry listed and measured) at a process's first keep,
 * then at most every `RESCAN_MS` or once the size it tallied passes the bound; in between, keeping
 * an entry adds that entry's bytes to the tally. A backlog of thousands of files thus measures one
 * entry per file, not the whole cache per file.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { z } from 'zod';

/** A parsed file: the folder the dataset wrote its files in, and their manifest. */
export interface ParsedEntry<TManifest> {
  readonly dir: string;
  readonly manifest: TManifest;
}

/** The file to parse: its local copy and the sha256 of its bytes. */
export interface ParseSource {
  readonly local: string;
  readonly sha256: string;
  /** What else than the bytes the parse depends on; `''` for nothing. */
  readonly variant?: string;
}

/**
 * Writes the parsed rows of a file into `out` (the entry to be) and returns its manifest; `work`
 * is a scratch folder removed after. Throws as the dataset's reader does (nothing is kept).
 */
export type Parse<TManifest> = (out: string, work: string) => Promise<TManifest>;

export interface ParsedCache<TManifest> {
  /** The entry of `source`, from the cache or parsed now by `parse` and kept. */
  entry(source: ParseSource, parse: Parse<TManifest>): Promise<ParsedEntry<TManifest>>;
}

export interface ParsedCacheOptions<TManifest> {
  /** The dataset: its entries are under `{tmp}/courant-parsed/{dataset}/`. */
  readonly dataset: string;
  /** The version of what an entry holds: change it whenever the reader gives other rows. */
  readonly format: string;
  readonly manifest: z.ZodType<TManifest>;
  /** The cache's size past which the least recently used entries are removed. */
  readonly maxBytes: number;
}

const MANIFEST = 'manifest.json';

/**
 * The longest the tally goes without reading the cache whole: other processes on the machine keep
 * entries too, and only a whole read counts theirs.
 */
const RESCAN_MS = 10 * 60 * 1000;

/** A parse's folder untouched for this long belongs to a process that stopped: it is removed. */
const STALE_PARSE_MS = 24 * 60 * 60 * 1000;

const SHA256 = /^[0-9a-f]{64}$/;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

async function bytesUnder(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const sizes = await Promise.all(
    entries.filter((e) => e.isFile()).map(async (e) => (await stat(path.join(e.parentPath, e.name))).size),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

export function parsedCache<TManifest>(options: ParsedCacheOptions<TManifest>): ParsedCache<TManifest> {
  /** Read at each use: the process's temporary folder is the one its environment names now. */
  const cacheDir = () => path.join(os.tmpdir(), 'courant-parsed', options.dataset);
  const underWay = new Map<string, Promise<ParsedEntry<TManifest>>>();

  async function cached(entry: string): Promise<ParsedEntry<TManifest> | null> {
    try {
      const manifest = options.manifest.parse(JSON.parse(await readFile(path.join(entry, MANIFEST), 'utf8')));
      const now = new Date();
      await utimes(path.join(entry, MANIFEST), now, now);
      return { dir: entry, manifest };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** The cache's size as tallied since it was last read whole, and when that was; null before. */
  let tally: { bytes: number; scannedAt: number } | null = null;

  /** Counts the entry just kept; reads the whole cache (and evicts) when the tally says it is due. */
  async function noteKept(dir: string, entry: string): Promise<void> {
    const now = Date.now();
    if (tally !== null && now - tally.scannedAt < RESCAN_MS) {
      tally.bytes += await bytesUnder(entry);
      if (tally.bytes <= options.maxBytes) return;
    }
    tally = { bytes: await evict(dir, entry), scannedAt: now };
  }

  /**
   * Removes the least recently used entries (but `keep`) while the cache is larger than its bound,
   * and the parses left unfinished for a day; returns the bytes left.
   */
  async function evict(dir: string, keep: string): Promise<number> {
    const folders = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory());
    const unfinished = folders.filter((e) => e.name.includes('.')).map((e) => path.join(dir, e.name));
    await Promise.all(
      unfinished.map(async (parse) => {
        const touched = await stat(parse).then(
          (s) => s.mtimeMs,
          () => Date.now(),
        );
        if (Date.now() - touched > STALE_PARSE_MS) await rm(parse, { recursive: true, force: true });
      }),
    );
    const entries = await Promise.all(
      folders
        .filter((e) => !e.name.includes('.'))
        .map(async ({ name }) => {
          const entry = path.join(dir, name);
          const used = await stat(path.join(entry, MANIFEST)).then(
            (s) => s.mtimeMs,
            () => 0,
          );
          return { entry, used, bytes: await bytesUnder(entry) };
        }),
    );
    let total = entries.reduce((sum, e) => sum + e.bytes, 0);
    for (const e of entries.sort((a, b) => a.used - b.used)) {
      if (total <= options.maxBytes) break;
      if (e.entry === keep) continue;
      await rm(e.entry, { recursive: true, force: true });
      total -= e.bytes;
    }
    return total;
  }

  async function parseAndKeep(entry: string, parse: Parse<TManifest>): Promise<ParsedEntry<TManifest>> {
    await mkdir(path.dirname(entry), { recursive: true });
    const scratch = await mkdtemp(`${entry}.`);
    try {
      const out = path.join(scratch, 'entry');
      const work = path.join(scratch, 'work');
      await mkdir(out);
      await mkdir(work);
      const manifest = options.manifest.parse(await parse(out, work));
      await writeFile(path.join(out, MANIFEST), JSON.stringify(manifest));
      try {
        await rename(out, entry);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
        // Another process kept the same file meanwhile: its entry holds the same rows.
        const kept = await cached(entry);
        if (kept) return kept;
        throw error;
      }
      await noteKept(path.dirname(entry), entry);
      return { dir: entry, manifest };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  return {
    async entry(source, parse) {
      if (!SHA256.test(source.sha256)) throw new RangeError(`"${source.sha256}" is not a sha256 written in hex`);
      const variant = source.variant ? `-${shortHash(source.variant)}` : '';
      const entry = path.join(cacheDir(), `${source.sha256}-${shortHash(options.format)}${variant}`);
      const hit = await cached(entry);
      if (hit) return hit;
      const pending = underWay.get(entry);
      if (pending) return pending;
      const parsing = parseAndKeep(entry, parse);
      underWay.set(entry, parsing);
      try {
        return await parsing;
      } finally {
        underWay.delete(entry);
      }
    },
  };
}
