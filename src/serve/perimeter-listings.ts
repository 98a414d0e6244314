/**
 * The perimeter listings `courant serve` keeps, so that the pages of one listing come from one read
 * of the stored days (docs/console.md, "Paging the perimeter"):
 * - a listing's first page reads the stored days once and writes the whole perimeter, in its order,
 *   to a Parquet file of the server's own scratch folder; each `nextCursor` names the listing and
 *   the offset of its next page, read from that file alone (no store, no DuckDB);
 * - a new listing whose inputs (the files the perimeter is computed from, see {@link filesSignature})
 *   are those of a listing kept for the same query is that listing: its file is read, not written
 *   again;
 * - the pages of a listing never skip nor repeat a contract, whatever lands meanwhile;
 * - a listing lives `ttlMs` after its last page and at most `max` are kept (the oldest dropped
 *   first); a cursor whose listing is gone (expired, dropped, another server's, the server
 *   restarted) starts a new listing at its offset, from the days as they are then.
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

/** What a new listing is written from: `inputs` names them, `write` writes the whole perimeter (see {@link PerimeterListings.page}). */
export interface ListingSource {
  readonly inputs: string;
  readonly write: (file: string) => Promise<number>;
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
  readonly rows: number;
  usedAt: number;
}

export interface PerimeterListingsOptions {
  readonly max: number;
  readonly ttlMs: number;
  readonly now: () => number;
}

const DEFAULTS: PerimeterListingsOptions = { max: 8, ttlMs: 10 * 60_000, now: Date.now };

const isNotFound = (error: unknown) => error instanceof Error && 'code' in error && error.code === 'ENOENT';

export class PerimeterListings {
  /** In the order of their last use, the least recent first. */
  private readonly listings = new Map<string, Listing>();
  private dir: Promise<string> | null = null;

  constructor(private readonly options: PerimeterListingsOptions = DEFAULTS) {}

  /**
   * The page of `limit` rows at `cursor` of the listing of `query` (the date and PRMs asked: a
   * cursor of another query starts a new listing), with the cursor of the next page when one
   * follows. A new listing asks `source` (only then): a kept listing of `query` with its `inputs`
   * answers, else its `write` writes the whole perimeter of `query` to the file it is given (a
   * Parquet hyparquet reads: uncompressed or Snappy) and resolves to its row count.
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
      const rows = await this.rowsOf(kept, cursor.offset, limit);
      // Dropped meanwhile (more listings opened than are kept): a new listing answers.
      if (rows !== null) return this.answer(cursor.listing, kept, cursor.offset, rows);
    }
    const { inputs, write } = await source();
    for (const [id, same] of this.listings) {
      if (same.query !== query || same.inputs !== inputs) continue;
      const rows = await this.rowsOf(same, cursor.offset, limit);
      if (rows !== null) return this.answer(id, same, cursor.offset, rows);
    }
    const [id, listing] = await this.open(query, inputs, write);
    const rows = (await this.rowsOf(listing, cursor.offset, limit)) ?? [];
    return this.answer(id, listing, cursor.offset, rows);
  }

  /** Removes every listing's file. */
  async close(): Promise<void> {
    this.listings.clear();
    const dir = this.dir;
    this.dir = null;
    if (dir !== null) await rm(await dir, { recursive: true, force: true });
  }

  private answer(id: string, listing: Listing, offset: number, rows: ListedRow[]) {
    listing.usedAt = this.options.now();
    this.listings.delete(id);
    this.listings.set(id, listing);
    const end = offset + rows.length;
    return { rows, nextCursor: end < listing.rows ? `${id}.${end}` : null };
  }

  /** The rows of `listing` from `offset`, `limit` at most; null when its file is gone. */
  private async rowsOf(listing: Listing, offset: number, limit: number): Promise<ListedRow[] | null> {
    const end = Math.min(offset + limit, listing.rows);
    if (offset >= end) return [];
    try {
      const file = await asyncBufferFromFile(listing.file);
      return rowsSchema.parse(await parquetReadObjects({ file, rowStart: offset, rowEnd: end }));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  private async open(
    query: string,
    inputs: string,
    write: (file: string) => Promise<number>,
  ): Promise<[string, Listing]> {
    this.dir ??= mkdtemp(path.join(os.tmpdir(), 'courant-perimeter-'));
    const id = randomBytes(8).toString('hex');
    const file = path.join(await this.dir, `${id}.parquet`);
    const listing: Listing = { query, inputs, file, rows: await write(file), usedAt: this.options.now() };
    this.listings.set(id, listing);
    for (const oldest of [...this.listings.keys()].slice(0, Math.max(0, this.listings.size - this.options.max)))
      await this.drop(oldest);
    return [id, listing];
  }

  private async dropExpired(): Promise<void> {
    const now = this.options.now();
    for (const [id, listing] of [...this.listings]) if (now - listing.usedAt > this.options.ttlMs) await this.drop(id);
  }

  private async drop(id: string): Promise<void> {
    const listing = this.listings.get(id);
    if (listing === undefined) return;
    this.listings.delete(id);
    await rm(listing.file, { force: true });
  }
}
