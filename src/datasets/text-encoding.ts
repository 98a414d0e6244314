/**
 * Recognising, from its first bytes, a file that is not 8-bit text — UTF-16 or UTF-32 text, an
 * Excel workbook, other binary data — so that it is refused with a message naming what it is,
 * instead of a header error on text decoded the wrong way.
 */
import { BadDataError } from '../workflow-safe/errors.js';

export type WideEncoding = 'UTF-16LE' | 'UTF-16BE' | 'UTF-32LE' | 'UTF-32BE';

/** What a file that is not 8-bit text is. */
export type NotText =
  { readonly kind: 'wide'; readonly encoding: WideEncoding } | { readonly kind: 'excel' } | { readonly kind: 'binary' };

/** Bytes looked at: enough for the NUL pattern of UTF-16 text, little enough to be cheap on any file. */
const SNIFF_BYTES = 4096;
/** An OLE2 compound file: what Excel writes as `.xls`. */
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

/**
 * UTF-16 without a byte order mark: mostly-ASCII text, one byte of each pair NUL. The NULs at odd
 * offsets are the high bytes of little-endian text.
 */
function utf16WithoutBom(sample: Uint8Array): WideEncoding | null {
  const pairs = Math.floor(sample.length / 2);
  if (pairs < 8) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i + 1 < sample.length; i += 2) {
    if (sample[i] === 0) even += 1;
    if (sample[i + 1] === 0) odd += 1;
  }
  if (Math.min(even, odd) > pairs * 0.05) return null;
  if (odd >= pairs * 0.4) return 'UTF-16LE';
  return even >= pairs * 0.4 ? 'UTF-16BE' : null;
}

/** What the bytes are when they are not 8-bit text (UTF-8, Latin-1…), or null when they may be. */
export function notText(bytes: Uint8Array): NotText | null {
  if (startsWith(bytes, [0xff, 0xfe, 0, 0])) return { kind: 'wide', encoding: 'UTF-32LE' };
  if (startsWith(bytes, [0, 0, 0xfe, 0xff])) return { kind: 'wide', encoding: 'UTF-32BE' };
  if (startsWith(bytes, [0xff, 0xfe])) return { kind: 'wide', encoding: 'UTF-16LE' };
  if (startsWith(bytes, [0xfe, 0xff])) return { kind: 'wide', encoding: 'UTF-16BE' };
  if (startsWith(bytes, OLE2_MAGIC)) return { kind: 'excel' };
  const sample = bytes.subarray(0, SNIFF_BYTES);
  const utf16 = utf16WithoutBom(sample);
  if (utf16 !== null) return { kind: 'wide', encoding: utf16 };
  return sample.includes(0) ? { kind: 'binary' } : null;
}

/**
 * Throws BadDataError naming `file` and what it is when the bytes are not 8-bit text; `expected`
 * says what to save it as, e.g. `UTF-8 text, as ODRÉ exports it`.
 */
export function assertEightBitText(bytes: Uint8Array, file: string, expected: string): void {
  const found = notText(bytes);
  if (found === null) return;
  const what =
    found.kind === 'wide'
      ? `is encoded as ${found.encoding}`
      : found.kind === 'excel'
        ? 'is an Excel workbook, not text'
        : 'is binary (it holds NUL bytes), not text';
  throw new BadDataError({ file }, `the file ${what}; save it as ${expected}`);
}
