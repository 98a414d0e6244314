/**
 * A delivered Enedis file → the index values of its flows: an XML flow as it is, or a zip of them
 * (as Enedis delivers them, decrypted first when encrypted), each `.xml` member read as its own flow and named
 * `{file}!{member}`. A member that is not XML is left out and reported, the rest is read; a zip
 * with no XML member, or one that cannot be read, is refused. A zip's members are found from its
 * central directory (yauzl) and each is inflated by Node's zlib, off the JavaScript thread,
 * straight into the flow reader: memory stays bounded whatever the members' size.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { openPromise, type Entry, type ZipFile } from 'yauzl';
import { BadDataError } from '../../workflow-safe/errors.js';
import type { BucketFile } from './day-buckets.js';
import { plainDelivery, type DeliveryKey } from './decrypt.js';
import type { Flow } from './flow-values.js';
import { readFlow, type FlowBytes } from './flow-read.js';

/** One flow of the file: its values as CSV lines (files in reading date order; the last segment's when in segments), and the name its rows carry. */
export interface FlowPart {
  readonly file: string;
  readonly values: readonly BucketFile[];
  readonly flow: Flow;
  readonly count: number;
  /** C15 contract events read. */
  readonly events: number;
}

/** A zip member that is not a flow, left out. */
export interface SkippedMember {
  readonly file: string;
  readonly reason: string;
}

/** Lines handed on in segments of `lines` lines (index values and C15 events), each segment with the name its rows carry (`{file}` or `{file}!{member}`). */
export interface FileSegments {
  readonly lines: number;
  readonly onSegment: (file: string, values: readonly BucketFile[]) => void;
}

/** The reader's segments of the flow named `file`. */
const segmentsOf = (file: string, segments: FileSegments | undefined) =>
  segments && {
    lines: segments.lines,
    onSegment: (values: readonly BucketFile[]) => segments.onSegment(file, values),
  };

/** Unzipped members larger than this are refused (a zip bomb). */
const MAX_MEMBER_BYTES = 2 * 1024 * 1024 * 1024 - 1;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

async function startsAsZip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && ZIP_MAGIC.every((byte, i) => buffer[i] === byte);
  } finally {
    await handle.close();
  }
}

const unreadable = (name: string, cause: unknown) =>
  new BadDataError({ file: name }, `the zip cannot be read: ${String(cause)}`, { cause });

/** Reads every XML member of the zip at `local` as a flow, in a stream (see {@link writeFileFlows}). */
async function readZipFlows(local: string, name: string, scratch: string, prefix: string, segments?: FileSegments) {
  const parts: FlowPart[] = [];
  const skipped: SkippedMember[] = [];
  const members: string[] = [];
  let zip: ZipFile;
  try {
    zip = await openPromise(local, { lazyEntries: true, autoClose: false });
  } catch (cause) {
    throw unreadable(name, cause);
  }
  try {
    for await (const entry of zipRead(zip.eachEntry(), name)) {
      if (entry.fileName.endsWith('/') || entry.fileName.startsWith('__MACOSX/')) continue;
      members.push(entry.fileName);
      const file = `${name}!${entry.fileName}`;
      if (!/\.xml$/i.test(entry.fileName)) {
        skipped.push({ file, reason: 'the zip member is not an XML flow: left out' });
        continue;
      }
      if (entry.uncompressedSize > MAX_MEMBER_BYTES)
        throw new BadDataError({ file: name }, `${entry.fileName} unzips to more than ${MAX_MEMBER_BYTES} bytes`);
      const summary = await readFlow(
        file,
        path.join(scratch, `${prefix}-${members.length - 1}`),
        memberBytes(zip, entry, name),
        segmentsOf(file, segments),
      );
      parts.push({ file, values: summary.files, flow: summary.flow, count: summary.values, events: summary.events });
    }
  } finally {
    zip.close();
  }
  return { parts: parts.sort((a, b) => a.file.localeCompare(b.file)), skipped, members };
}

/**
 * The items of what yauzl reads (the directory's entries, a member's inflated chunks), its errors
 * refusing the zip as bad data; errors of the code consuming them pass as they are.
 */
async function* zipRead<T>(source: AsyncIterable<T>, name: string): AsyncGenerator<T> {
  const items = source[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<T>;
    try {
      next = await items.next();
    } catch (cause) {
      throw unreadable(name, cause);
    }
    if (next.done) return;
    yield next.value;
  }
}

/** The bytes of a flow file, from its start. */
const fileBytes =
  (local: string): FlowBytes =>
  () =>
    createReadStream(local);

/** A member compressed by deflate, as zips most often are. */
const DEFLATE = 8;

/**
 * The output chunks of a member's inflating (bytes): each chunk is a round trip to libuv's thread
 * pool, and zlib's 16 KiB spent more time in those than in inflating.
 */
const INFLATE_CHUNK_BYTES = 256 * 1024;

/** The inflated bytes of a deflated, unencrypted member, checked against the size its directory gives. */
async function* inflated(zip: ZipFile, entry: Entry): AsyncGenerator<Buffer> {
  const raw = await zip.openReadStreamPromise(entry, { decodeFileData: false });
  const inflate = createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES });
  // A failure of either stream destroys `inflate` with it, and the loop below throws it: the
  // callback has nothing to add (after the reader stops early, it is only told of the close).
  pipeline(raw, inflate, () => {});
  const expected = entry.uncompressedSize;
  let bytes = 0;
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > expected)
        throw new Error(`too many bytes in the stream. expected ${expected}. got at least ${bytes}`);
      yield chunk;
    }
    if (bytes < expected) throw new Error(`not enough bytes in the stream. expected ${expected}. got only ${bytes}`);
  } finally {
    inflate.destroy();
  }
}

/**
 * The bytes of one member, inflated natively (off the JavaScript thread), from its start each
 * time: a deflated member by zlib in chunks of `INFLATE_CHUNK_BYTES`, any other as yauzl reads
 * it. A member that cannot be inflated refuses the zip.
 */
const memberBytes = (zip: ZipFile, entry: Entry, name: string): FlowBytes =>
  async function* () {
    if (entry.compressionMethod === DEFLATE && !entry.isEncrypted()) {
      yield* zipRead(inflated(zip, entry), name);
      return;
    }
    const stream = await zip.openReadStreamPromise(entry).catch((cause: unknown) => {
      throw unreadable(name, cause);
    });
    try {
      yield* zipRead<Buffer>(stream, name);
    } finally {
      stream.destroy();
    }
  };

/**
 * Writes the values of every flow of the file at `local` (named `name` in errors and rows) to
 * CSV files under `scratch`, named from `prefix`, handing them on in `segments` if given (a flow's
 * last segment is its part's `values`). An encrypted delivery is first decrypted with `key` into
 * `scratch` (`decrypt.ts`). Throws BadDataError for a flow that is not well-formed (naming
 * `name!member`, its line and column), a zip without any XML flow, or a delivery that cannot be
 * decrypted (saying why).
 */
export async function writeFileFlows(
  delivered: string,
  name: string,
  scratch: string,
  prefix: string,
  segments?: FileSegments,
  key?: DeliveryKey,
): Promise<{ readonly parts: readonly FlowPart[]; readonly skipped: readonly SkippedMember[] }> {
  const local = await plainDelivery(delivered, name, path.join(scratch, `${prefix}-decrypted`), key);
  if (!(await startsAsZip(local))) {
    const summary = await readFlow(name, path.join(scratch, prefix), fileBytes(local), segmentsOf(name, segments));
    return {
      parts: [{ file: name, values: summary.files, flow: summary.flow, count: summary.values, events: summary.events }],
      skipped: [],
    };
  }
  const { parts, skipped, members } = await readZipFlows(local, name, scratch, prefix, segments);
  if (parts.length === 0)
    throw new BadDataError({ file: name }, `the zip holds no XML flow (${members.sort().join(', ') || 'no member'})`);
  return { parts, skipped };
}
