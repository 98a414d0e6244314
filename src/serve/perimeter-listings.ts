/**
 * The perimeter listings `courant serve` keeps, so that the pages of one listing come from one read
 * of the stored days (docs/console.md, "Paging the perimeter"):
 * - a new listing's first page is answered from a head of the perimeter (its first rows, aggregated
 *   from the PRMs they hold alone); the whole perimeter is then written, in its order, to a Parquet
 *   file of the server's own scratch folder, after the answer; each `nextCursor` names the listing
 *   and the offset of its next page, read from that file alone (no store, no DuckDB), once written;
 * - a new listing whose inputs (the files the perimeter is computed from, see {@link filesSignature})
 *   are those of a listing kept for the same query is that listing: its file is read, not written
 *   again;
 * - the pages of a listing never skip nor repeat a contract, whatever lands meanwhile: the head and
 *   the file are computed from the same files, in the same total order;
 * - a listing lives `ttlMs` after its last page and at most `max` are kept (the oldest dropped
 *   first); a cursor whose listing is gone (expired, dropped, its file not written, another
 *   server's, the server restarted) starts a new listing at its offset, from the days as they are
 *   then.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { z } from 'zod';

/** A page's cursor: the listing's ID and the offset of the page's first row; a bare offset starts a new listing there. */
export interface PerimeterCursor {
  readonly listing: string | null;
  readonly offset: number;
}

const rowsSchema = z.array(
  z.object({ prm: z.string(), contract: z.string(), since: z.string(), source: z.enum(['c15', 'snapshot']) }),
);
export type ListedRow = z.infer<typeof rowsSchema>[number];

/** What a new listing is made from (see {@link PerimeterListings.page}). */
export interface ListingSource {
  /** Names the files the perimeter is computed from. */
  readonly inputs: string;
  /** The perimeter's first `count` rows (fewer: all there are). */
  readonly head: (count: number) => Promise<ListedRow[]>;
  /** Writes the whole perimeter to `file` (a Parquet hyparquet reads: uncompressed or Snappy); resolves to its row count. */
  readonly write: (file: string) => Promise<number>;
  /** Lets go of what the source holds: called once, when its listing is written or when no listing needed it. */
  readonly release: () => Promise<void>;
}

/**
 * A name of the files `paths` as they are now: the SHA-256 of each one's path, size, modification
 * time (ns) and inode, in their order. A stored file is replaced by a rename (a new inode), never
 * written in place, so a file whose name is unchanged holds the same bytes.
 */
export async function filesSignature(paths: readonly string[]): Promise<string> {
  const lines = await Promise.all(
    paths.map(async (file) => {
      const about = await stat(file, { bigint: true });
      return `${file}\t${about.size}\t${about.mtimeNs}\t${about.ino}`;
    }),
  );
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

interface Listing {
  readonly query: string;
  readonly inputs: string;
  readonly file: string;
  /** Its first rows, read before its file (none when it opened at an offset), and whether they are all. */
  head: readonly ListedRow[];
  headIsAll: boolean;
  /** Its source while its file is being written (longer heads are read from it meanwhile), then null. */
  writing: ListingSource | null;
  /** The heads being read from `writing`: the source is let go once they and the write have ended. */
  reading: Promise<unknown>;
  /** Its row count once its file is written; rejects when the write failed. */
  rows: Promise<number>;
  usedAt: number;
}

/** While a listing's file is being written, a page within its first rows is read from a longer head rather than waiting. */
const HEAD_ROWS = 10_000;

/** Rows of a listing, and whether more follow. */
interface Read {
  readonly rows: ListedRow[];
  readonly more: boolean;
}

export interface PerimeterListingsOptions {
  readonly max: number;
  readonly ttlMs: number;
  readonly now: () => number;
  /** Told when a listing's file could not be written after its first page was answered (the listing is dropped). */
  readonly writeFailed: (error: unknown) => void;
}

const DEFAULTS: Omit<PerimeterListingsOptions, 'writeFailed'> = { max: 8, ttlMs: 10 * 60_000, now: Date.now };

const isNotFound = (error: unknown) => error instanceof Error && 'code' in error && error.code === 'ENOENT';

export class PerimeterListings {
  /** In the order of their last use, the least recent first. */
  private readonly listings = new Map<string, Listing>();
  private dir: Promise<string> | null = null;
  private readonly options: PerimeterListingsOptions;

  constructor(
    options: Partial<Omit<PerimeterListingsOptions, 'writeFailed'>> & Pick<PerimeterListingsOptions, 'writeFailed'>,
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /**
   * The page of `limit` rows at `cursor` of the listing of `query` (the date and PRMs asked: a
   * cursor of another query starts a new listing), with the cursor of the next page when one
   * follows. A new listing asks `source` (only then): a kept listing of `query` with its `inputs`
   * answers, else a new listing is opened: its first pages from heads of the source while its file
   * is written (its first `HEAD_ROWS` rows), a page further on from its file once written.
   */
  async page(
    query: string,
    cursor: PerimeterCursor,
    limit: number,
    source: () => Promise<ListingSource>,
  ): Promise<{ rows: ListedRow[]; nextCursor: string | null }> {
    await this.dropExpired();
    const kept = cursor.listing === null ? undefined : this.listings.get(cursor.listing);
    if (cursor.listing !== null && kept?.query === query) {
      const rows = await this.rowsOf(cursor.listing, kept, cursor.offset, limit);
      // Dropped meanwhile (more listings opened than are kept): a new listing answers.
      if (rows !== null) return this.answer(cursor.listing, kept, cursor.offset, rows);
    }
    const from = await source();
    let used = false;
    try {
      for (const [id, same] of this.listings) {
        if (same.query !== query || same.inputs !== from.inputs) continue;
        const rows = await this.rowsOf(id, same, cursor.offset, limit);
        if (rows !== null) return this.answer(id, same, cursor.offset, rows);
      }
      // The first two pages (the second is asked at once by a client paging through), and one row
      // past them: whether a next page follows.
      const asked = cursor.offset === 0 ? Math.max(limit, Math.min(2 * limit, HEAD_ROWS)) + 1 : 0;
      const head = asked === 0 ? [] : await from.head(asked);
      const [id, listing] = await this.open(query, from, head, head.length < asked);
      used = true;
      const rows = (await this.rowsOf(id, listing, cursor.offset, limit)) ?? { rows: [], more: false };
      return this.answer(id, listing, cursor.offset, rows);
    } finally {
      if (!used) await from.release();
    }
  }

  /** Removes every listing's file, once those being written are. */
  async close(): Promise<void> {
    const writing = [...this.listings.values()].map((listing) => listing.rows.catch(() => 0));
    this.listings.clear();
    await Promise.all(writing);
    const dir = this.dir;
    this.dir = null;
    if (dir !== null) await rm(await dir, { recursive: true, force: true });
  }

  private answer(id: string, listing: Listing, offset: number, read: Read) {
    listing.usedAt = this.options.now();
    this.listings.delete(id);
    this.listings.set(id, listing);
    return { rows: read.rows, nextCursor: read.more ? `${id}.${offset + read.rows.length}` : null };
  }

  /**
   * The rows of `listing` from `offset`, `limit` at most: from its head when it holds them (and
   * whether more follow), else from its file once written; null when its file is gone or could not
   * be written (then the listing is dropped).
   */
  private async rowsOf(id: string, listing: Listing, offset: number, limit: number): Promise<Read | null> {
    const end = offset + limit;
    if (end < listing.head.length || listing.headIsAll)
      return { rows: listing.head.slice(offset, end), more: end < listing.head.length };
    if (listing.writing !== null && end <= HEAD_ROWS) {
      // One row past the page: whether a next one follows.
      const read = listing.writing.head(end + 1);
      listing.reading = Promise.all([listing.reading, read.catch(() => undefined)]);
      const head = await read;
      if (head.length > listing.head.length) [listing.head, listing.headIsAll] = [head, head.length <= end];
      return { rows: head.slice(offset, end), more: end < head.length };
    }
    const total = await listing.rows.catch(() => null);
    if (total === null) {
      await this.drop(id);
      return null;
    }
    if (offset >= Math.min(end, total)) return { rows: [], more: false };
    try {
      const file = await asyncBufferFromFile(listing.file);
      const rows = rowsSchema.parse(await parquetReadObjects({ file, rowStart: offset, rowEnd: Math.min(end, total) }));
      return { rows, more: end < total };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /**
   * Opens a listing of `query` from `source` and its `head` (`headIsAll`: the whole listing), the
   * oldest dropped to keep `max`, and starts writing its file; the source is released once it is
   * written and the heads read meanwhile have ended.
   */
  private async open(
    query: string,
    source: ListingSource,
    head: readonly ListedRow[],
    headIsAll: boolean,
  ): Promise<[string, Listing]> {
    for (const oldest of [...this.listings.keys()].slice(0, Math.max(0, this.listings.size + 1 - this.options.max)))
      await this.drop(oldest);
    this.dir ??= mkdtemp(path.join(os.tmpdir(), 'courant-perimeter-'));
    const id = randomBytes(8).toString('hex');
    const file = path.join(await this.dir, `${id}.parquet`);
    const listing: Listing = {
      query,
      inputs: source.inputs,
      file,
      head,
      headIsAll,
      writing: source,
      reading: Promise.resolve(),
      rows: source.write(file),
      usedAt: this.options.now(),
    };
    const written = listing.rows;
    listing.rows = (async () => {
      try {
        return await written;
      } finally {
        listing.writing = null;
        await listing.reading;
        await source.release();
      }
    })();
    listing.rows.catch((error: unknown) => this.options.writeFailed(error));
    this.listings.set(id, listing);
    return [id, listing];
  }

  private async dropExpired(): Promise<void> {
    const now = this.options.now();
    for (const [id, listing] of [...this.listings]) if (now - listing.usedAt > this.options.ttlMs) await this.drop(id);
  }

  /** Forgets a listing and removes its file, once it is written (or failed to be). */
  private async drop(id: string): Promise<void> {
    const listing = this.listings.get(id);
    if (listing === undefined) return;
    this.listings.delete(id);
    await listing.rows.catch(() => 0);
    await rm(listing.file, { force: true });
  }
}
