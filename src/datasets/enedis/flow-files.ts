/**
 * A delivered Enedis file → the index values of its flows: an XML flow as it is, or a zip of them
 * (as Enedis delivers them once decrypted), each `.xml` member read as its own flow and named
 * `{file}!{member}`. A member that is not XML is left out and reported, the rest is read; a zip
 * with no XML member, or one that cannot be read, is refused. A zip is read in a stream, each
 * member inflated straight into the flow reader: memory stays bounded whatever the members' size.
 */
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { TextDecoder } from 'node:util';
import { BadDataError } from '../../shared/errors.js';
import type { BucketFile } from './day-buckets.js';
import { createFlowReader, writeFlowValues, type Flow, type FlowReader } from './flow-xml.js';

/** One flow of the file: its values as CSV lines (files in reading date order; the last segment's when in segments), and the name its rows carry. */
export interface FlowPart {
  readonly file: string;
  readonly values: readonly BucketFile[];
  readonly flow: Flow;
  readonly count: number;
}

/** A zip member that is not a flow, left out. */
export interface SkippedMember {
  readonly file: string;
  readonly reason: string;
}

/** Values handed on in segments of `values` values, each with the name its rows carry (`{file}` or `{file}!{member}`). */
export interface FileSegments {
  readonly values: number;
  readonly onSegment: (file: string, values: readonly BucketFile[]) => void;
}

/** The reader's segments of the flow named `file`. */
const segmentsOf = (file: string, segments: FileSegments | undefined) =>
  segments && {
    values: segments.values,
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

/** What the inflater said, in order; handled between two chunks of the zip (its callbacks are synchronous). */
type ZipEvent =
  | { readonly kind: 'member'; readonly member: UnzipFile }
  | { readonly kind: 'data'; readonly chunk: Uint8Array; readonly final: boolean }
  | { readonly kind: 'error'; readonly error: Error };

interface OpenMember {
  readonly file: string;
  readonly reader: FlowReader;
  readonly decoder: TextDecoder;
  bytes: number;
}

const unreadable = (name: string, cause: unknown) =>
  new BadDataError({ file: name }, `the zip cannot be read: ${String(cause)}`, { cause });

/** Reads every XML member of the zip at `local` as a flow, in a stream (see {@link writeFileFlows}). */
async function readZipFlows(local: string, name: string, scratch: string, prefix: string, segments?: FileSegments) {
  const parts: FlowPart[] = [];
  const skipped: SkippedMember[] = [];
  const members: string[] = [];
  const events: ZipEvent[] = [];
  const unzip = new Unzip((member) => events.push({ kind: 'member', member }));
  unzip.register(UnzipInflate);
  /** The XML member being read (an object: the callbacks change it). */
  const state: { current: OpenMember | null } = { current: null };

  const open = (member: UnzipFile) => {
    if (member.name.endsWith('/') || member.name.startsWith('__MACOSX/')) return;
    members.push(member.name);
    const file = `${name}!${member.name}`;
    if (!/\.xml$/i.test(member.name)) {
      skipped.push({ file, reason: 'the zip member is not an XML flow: left out' });
      return;
    }
    if ((member.originalSize ?? 0) > MAX_MEMBER_BYTES)
      throw new BadDataError({ file: name }, `${member.name} unzips to more than ${MAX_MEMBER_BYTES} bytes`);
    state.current = {
      file,
      reader: createFlowReader(file, path.join(scratch, `${prefix}-${members.length - 1}`), segmentsOf(file, segments)),
      decoder: new TextDecoder('utf-8', { ignoreBOM: true }),
      bytes: 0,
    };
    member.ondata = (error, chunk, final) =>
      events.push(error ? { kind: 'error', error } : { kind: 'data', chunk, final });
    member.start();
  };
  const take = async (event: ZipEvent) => {
    if (event.kind === 'error') throw unreadable(name, event.error);
    if (event.kind === 'member') return open(event.member);
    const member = state.current;
    if (!member) return;
    member.bytes += event.chunk.length;
    if (member.bytes > MAX_MEMBER_BYTES)
      throw new BadDataError({ file: name }, `${member.file} unzips to more than ${MAX_MEMBER_BYTES} bytes`);
    const readable = await member.reader.write(member.decoder.decode(event.chunk, { stream: !event.final }));
    if (!readable || event.final) {
      state.current = null;
      const summary = await member.reader.close();
      parts.push({ file: member.file, values: summary.files, flow: summary.flow, count: summary.values });
    }
  };
  const drain = async () => {
    for (let event = events.shift(); event !== undefined; event = events.shift()) await take(event);
  };
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final);
    } catch (cause) {
      throw unreadable(name, cause);
    }
  };
  try {
    for await (const chunk of createReadStream(local)) {
      push(chunk as Buffer, false);
      await drain();
    }
    push(new Uint8Array(0), true);
    await drain();
  } catch (error) {
    await state.current?.reader.abort();
    throw error;
  }
  if (state.current) {
    await state.current.reader.abort();
    throw new BadDataError({ file: state.current.file }, 'the zip ends before the end of this member');
  }
  return { parts: parts.sort((a, b) => a.file.localeCompare(b.file)), skipped, members };
}

/**
 * Writes the values of every flow of the file at `local` (named `name` in errors and rows) to
 * CSV files under `scratch`, named from `prefix`, handing them on in `segments` if given (a flow's
 * last segment is its part's `values`). Throws BadDataError for a flow that is not well-formed
 * (naming `name!member`, its line and column) or a zip without any XML flow.
 */
export async function writeFileFlows(
  local: string,
  name: string,
  scratch: string,
  prefix: string,
  segments?: FileSegments,
): Promise<{ readonly parts: readonly FlowPart[]; readonly skipped: readonly SkippedMember[] }> {
  if (!(await startsAsZip(local))) {
    const summary = await writeFlowValues(local, name, path.join(scratch, prefix), segmentsOf(name, segments));
    return { parts: [{ file: name, values: summary.files, flow: summary.flow, count: summary.values }], skipped: [] };
  }
  const { parts, skipped, members } = await readZipFlows(local, name, scratch, prefix, segments);
  if (parts.length === 0)
    throw new BadDataError({ file: name }, `the zip holds no XML flow (${members.sort().join(', ') || 'no member'})`);
  return { parts, skipped };
}
