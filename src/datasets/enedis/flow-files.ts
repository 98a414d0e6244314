/**
 * A delivered Enedis file → the index values of its flows: an XML flow as it is, or a zip of them
 * (as Enedis delivers them once decrypted), each `.xml` member read as its own flow and named
 * `{file}!{member}`. A member that is not XML is left out and reported, the rest is read; a zip
 * with no XML member, or one that cannot be read, is refused.
 */
import { unzipSync } from 'fflate';
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BadDataError } from '../../shared/errors.js';
import { writeFlowValues, type Flow } from './flow-xml.js';

/** One flow of the file: its values as JSON lines, and the name its rows carry. */
export interface FlowPart {
  readonly file: string;
  readonly values: string;
  readonly flow: Flow;
  readonly count: number;
}

/** A zip member that is not a flow, left out. */
export interface SkippedMember {
  readonly file: string;
  readonly reason: string;
}

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

async function unzipMembers(local: string, name: string): Promise<Record<string, Uint8Array>> {
  try {
    return unzipSync(await readFile(local), {
      filter: (member) => {
        if (member.originalSize > MAX_MEMBER_BYTES)
          throw new BadDataError({ file: name }, `${member.name} unzips to more than ${MAX_MEMBER_BYTES} bytes`);
        return !member.name.endsWith('/') && !member.name.startsWith('__MACOSX/');
      },
    });
  } catch (cause) {
    if (cause instanceof BadDataError) throw cause;
    throw new BadDataError({ file: name }, `the zip cannot be read: ${String(cause)}`, { cause });
  }
}

/**
 * Writes the values of every flow of the file at `local` (named `name` in errors and rows) to
 * JSON lines under `scratch`, prefixed `prefix`. Throws BadDataError for a flow that is not
 * well-formed (naming `name!member`, its line and column) or a zip without any XML flow.
 */
export async function writeFileFlows(
  local: string,
  name: string,
  scratch: string,
  prefix: string,
): Promise<{ readonly parts: readonly FlowPart[]; readonly skipped: readonly SkippedMember[] }> {
  if (!(await startsAsZip(local))) {
    const values = path.join(scratch, `${prefix}.jsonl`);
    const summary = await writeFlowValues(local, name, values);
    return { parts: [{ file: name, values, flow: summary.flow, count: summary.values }], skipped: [] };
  }
  const members = Object.entries(await unzipMembers(local, name)).sort(([a], [b]) => a.localeCompare(b));
  const parts: FlowPart[] = [];
  const skipped: SkippedMember[] = [];
  for (const [index, [member, bytes]] of members.entries()) {
    const file = `${name}!${member}`;
    if (!/\.xml$/i.test(member)) {
      skipped.push({ file, reason: 'the zip member is not an XML flow: left out' });
      continue;
    }
    const xml = path.join(scratch, `${prefix}-${index}.xml`);
    await writeFile(xml, bytes);
    const values = path.join(scratch, `${prefix}-${index}.jsonl`);
    const summary = await writeFlowValues(xml, file, values);
    parts.push({ file, values, flow: summary.flow, count: summary.values });
  }
  if (parts.length === 0)
    throw new BadDataError(
      { file: name },
      `the zip holds no XML flow (${members.map(([member]) => member).join(', ') || 'no member'})`,
    );
  return { parts, skipped };
}
