/**
 * Turning downloaded bytes into CSV text, and recognising bodies that are not CSV at all
 * (UTF-16 or binary bytes, an empty reply, an HTML error page, a JSON error) before any row is read.
 */
import { BadDataError } from '../../workflow-safe/errors.js';
import { assertEightBitText } from '../text-encoding.js';

const BOM = '\uFEFF';
/** How much of a body is looked at to recognise HTML. */
const SNIFF_CHARS = 1024;

function lineOfFirstInvalidByte(body: Uint8Array): number {
  const lossy = new TextDecoder('utf-8').decode(body);
  const at = lossy.indexOf('\uFFFD');
  if (at < 0) return 1;
  let line = 1;
  for (let i = 0; i < at; i += 1) if (lossy.charCodeAt(i) === 10) line += 1;
  return line;
}

/**
 * UTF-8 text of a body without its BOM. With `maxBytes`, only the start of the body is decoded
 * (a character cut at the end is dropped, not reported). A UTF-16 or binary body is refused,
 * named as such.
 */
export function decodeCsvBody(body: Uint8Array | string, file: string, maxBytes?: number): string {
  let text: string;
  if (typeof body === 'string') {
    text = maxBytes === undefined ? body : body.slice(0, maxBytes);
  } else {
    const bytes = maxBytes === undefined ? body : body.subarray(0, maxBytes);
    assertEightBitText(bytes, file, 'UTF-8 text, as ODRÉ exports are');
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes, {
        stream: maxBytes !== undefined,
      });
    } catch (cause) {
      throw new BadDataError(
        { file, line: lineOfFirstInvalidByte(bytes) },
        'expected UTF-8 text, found bytes that are not UTF-8 (a Latin-1 file?)',
        { cause },
      );
    }
  }
  return text.startsWith(BOM) ? text.slice(BOM.length) : text;
}

/** What a body that is not the expected CSV looks like, for error messages. */
export function describeFoundText(text: string): string {
  const head = text.trimStart();
  if (head === '') return 'an empty body';
  if (isHtml(head)) return 'an HTML page';
  if (head.startsWith('{') || head.startsWith('[')) return `JSON (${quote(head)})`;
  return quote(head);
}

function quote(text: string): string {
  const firstLine = text.split('\n', 1)[0] ?? '';
  const shown = firstLine.length > 80 ? `${firstLine.slice(0, 80)}…` : firstLine;
  return JSON.stringify(shown.replace(/\r$/, ''));
}

function isHtml(trimmedText: string): boolean {
  return trimmedText.startsWith('<') || trimmedText.slice(0, SNIFF_CHARS).toLowerCase().includes('<html');
}

/** Throws when the text is empty or an HTML page: there is no header to read. */
export function assertTextLooksLikeCsv(text: string, file: string): void {
  const head = text.trimStart();
  if (head === '' || isHtml(head)) {
    throw new BadDataError(
      { file, line: 1 },
      `expected a CSV header with date_heure, found ${describeFoundText(text)}`,
    );
  }
}
