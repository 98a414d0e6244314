/**
 * CSV lines written to one file per reading date (`{prefix}-{n}.csv`), so that the values of a
 * flow of many days are kept grouped by day: a file delivered in PRM order (every day of a PRM,
 * then the next PRM) is kept as Parquet in day order, and each of its days reads only the row
 * groups holding it (`parsed-files.ts`). The bucket is the date text's `YYYY-MM-DD` (an R151 date
 * is its day; a C15 or R15 reading at a Paris midnight closes the day before, one bucket away); a
 * value without such a date goes to the first bucket. Past `MAX_BUCKETS` dates the rest share the
 * last one: grouping is only for speed, every value is written whatever its bucket.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

/** Files open at once for one flow; dates beyond them share the last bucket. */
export const MAX_BUCKETS = 64;

/** Sorts first: values without a date. */
const NO_DATE = '';
/** Sorts last: dates beyond `MAX_BUCKETS`. */
const OVERFLOW = '~';

/** Bytes a bucket gathers before writing them: few writes, each chunk's text short-lived. */
const WRITE_BYTES = 256 * 1024;

interface Bucket {
  readonly path: string;
  readonly out: WriteStream;
  /** The lines of the chunk being read. */
  pending: string;
  /** The lines of the chunks before, encoded (off the JavaScript heap), not yet written. */
  encoded: Buffer[];
  bytes: number;
}

/** Lines going to the file of their bucket. */
export interface BucketWriter {
  /** Adds `line` (ending with a newline) to the bucket of the reading date `date`. */
  add(date: string | null, line: string): void;
  /** Takes the lines added so far off the heap; writes a bucket's once it gathered `WRITE_BYTES`, waiting for its file. */
  flush(): Promise<void>;
  /** Writes the rest and closes the files; resolves to them, in bucket order. */
  close(): Promise<BucketFile[]>;
}

/** A file of CSV lines and the bucket (`YYYY-MM-DD`, `''` or `'~'`) of its lines' reading dates. */
export interface BucketFile {
  readonly bucket: string;
  readonly path: string;
}

/** Orders buckets as their dates (by code unit: they are ASCII). */
const compareBuckets = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const bucketOf = (date: string | null) =>
  date !== null && /^\d{4}-\d{2}-\d{2}/.test(date) ? date.slice(0, 10) : NO_DATE;

/**
 * Encodes the bucket's pending lines, and writes what it gathered once it is `atLeast` bytes. Throws
 * its file's error (a missing folder, a full disk): a failed stream never drains.
 */
async function write(bucket: Bucket, atLeast: number): Promise<void> {
  if (bucket.pending !== '') {
    const encoded = Buffer.from(bucket.pending, 'utf8');
    bucket.pending = '';
    bucket.encoded.push(encoded);
    bucket.bytes += encoded.length;
  }
  if (bucket.bytes === 0 || bucket.bytes < atLeast) return;
  const gathered = Buffer.concat(bucket.encoded, bucket.bytes);
  bucket.encoded = [];
  bucket.bytes = 0;
  if (bucket.out.errored) throw bucket.out.errored;
  if (!bucket.out.write(gathered)) await once(bucket.out, 'drain');
}

/** A writer of CSV lines to files `{prefix}-{n}.csv`, one per bucket (see the module's doc). */
export function createBucketWriter(prefix: string): BucketWriter {
  const buckets = new Map<string, Bucket>();
  let lastDate: string | null = null;
  let last: Bucket | null = null;
  /** The first error of a file's stream (a full disk…): thrown by the next flush or close. */
  let failure: Error | null = null;
  const rethrow = () => {
    if (failure) throw failure;
  };

  const open = (key: string): Bucket => {
    const found = buckets.get(key);
    if (found) return found;
    const name = buckets.size >= MAX_BUCKETS - 1 && key !== NO_DATE ? OVERFLOW : key;
    const shared = buckets.get(name);
    if (shared) return shared;
    const path = `${prefix}-${buckets.size}.csv`;
    const out = createWriteStream(path).on('error', (error) => void (failure ??= error));
    const bucket = { path, out, pending: '', encoded: [], bytes: 0 };
    buckets.set(name, bucket);
    return bucket;
  };

  return {
    add(date, line) {
      if (last === null || date !== lastDate) {
        last = open(bucketOf(date));
        lastDate = date;
      }
      last.pending += line;
    },
    async flush() {
      rethrow();
      for (const bucket of buckets.values()) await write(bucket, WRITE_BYTES);
    },
    async close() {
      if (buckets.size === 0) open(NO_DATE);
      const ordered = [...buckets.entries()].sort(([a], [b]) => compareBuckets(a, b));
      try {
        for (const [, bucket] of ordered) await write(bucket, 0);
      } finally {
        await Promise.all(
          ordered.map(async ([, bucket]) => {
            bucket.out.end();
            if (!bucket.out.closed) await once(bucket.out, 'close');
          }),
        );
      }
      rethrow();
      return ordered.map(([key, bucket]) => ({ bucket: key, path: bucket.path }));
    },
  };
}
