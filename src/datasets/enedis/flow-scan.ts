/**
 * The fast reader of a flow: a scan of its bytes for the XML that flows are written in — elements
 * with ASCII names, attributes only in the simple form, text with the five predefined entities —
 * feeding the flow's sink (`flow-sink.ts`) without decoding the text it does not keep. A general
 * XML parser (saxes) spends most of a flow's time decoding, naming and handing on every tag and
 * every text; the scan compares bytes, names an element once per distinct name, and decodes only
 * the fields the sink asks for.
 *
 * - It is sure or it gives up: whatever it accepts is well-formed XML that the reference reader
 *   (`flow-xml.ts`, saxes) reads into the same lines. Anything else — a comment, a CDATA section,
 *   a document type, a character reference, a lone carriage return, a byte order mark, a name
 *   outside ASCII, a field over `MAX_FIELD_BYTES`, malformed XML, a root that is no flow — makes
 *   it stop unsure, and the file is read again by the reference reader, which reads it or names
 *   the problem (line and column).
 * - Lines are counted as the reference reader counts them: the line of a tag is the line of its `>`.
 */
import type { EmitLine, FlowSink, FlowSource } from './flow-sink.js';
import { createFlowSink } from './flow-sink.js';

/** The longest field decoded (bytes); a longer one is left to the reference reader, which cuts it. */
const MAX_FIELD_BYTES = 1024;

/** The longest run carried from one chunk to the next (bytes): a longer text is left to the reference reader. */
const MAX_CARRY_BYTES = 1024 * 1024;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const AMP = 0x26;
const LF = 0x0a;
const CR = 0x0d;

/** The XML declaration the scan accepts, as XML 1.0 writes it (decoded as Latin-1: one character a byte). */
const DECLARATION =
  /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.0\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\3)?[ \t\r\n]*\?>$/;

/** One attribute in its simple form: a plain name, a quoted value without `<` or `&`. */
const ATTRIBUTE = /[ \t\n]+([A-Za-z_:][A-Za-z0-9_.:-]*)[ \t\n]*=[ \t\n]*(?:"[^"<&]*"|'[^'<&]*')/y;
/** What a tag's attributes may not hold: a control character (but tab and line feed), a noncharacter's UTF-8 bytes. */
const NOT_IN_TAG = /[^\t\n\x20-\xff]|\xef\xbf[\xbe\xbf]/;

/** The five entities XML predefines, by name: what each stands for, and how a text holds them. */
const ENTITY_TEXT: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ENTITY = new RegExp(`&(${Object.keys(ENTITY_TEXT).join('|')});`, 'g');
/** What follows the `&` of each. */
const ENTITY_BYTES = Object.keys(ENTITY_TEXT).map((name) => Buffer.from(`${name};`, 'latin1'));

/** True when a byte may start (`first`) or go on an element name the scan accepts. */
function nameByte(b: number, first: boolean): boolean {
  return (
    (b >= 0x61 && b <= 0x7a) ||
    (b >= 0x41 && b <= 0x5a) ||
    b === 0x5f ||
    (!first && ((b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2e))
  );
}

/** An element's name, its bytes to compare with, and the name opened after its last tag (the guess for the next time). */
interface ElementName {
  readonly name: string;
  readonly bytes: Uint8Array;
  next: ElementName | null;
}

const isSpace = (b: number) => b === 0x20 || b === LF || b === 0x09 || b === CR;

/** The scan's answer for a flow: its summary when sure, or null (read it with the reference reader). */
export interface FlowScanner {
  /** Scans the next chunk of bytes; false once unsure (nothing more is read). */
  write(chunk: Buffer): boolean;
  /** Ends the flow: its summary when it was read whole and sure, else null. */
  end(): ReturnType<FlowSink['summary']> | null;
}

/** A scanner handing the flow's lines to `emit` (which the caller drops when the scan ends unsure). */
export function createFlowScanner(emit: EmitLine): FlowScanner {
  /** Element names met, by a hash of their bytes (each checked byte for byte against its name). */
  const names = new Map<number, ElementName>();
  /** The names of the elements open, as the sink's stack holds them. */
  const open: ElementName[] = [];
  /** The name of the last tag read: its `next` is the guess for the next start tag. */
  let previous: ElementName | null = null;
  let buf: Buffer = Buffer.alloc(0);
  let unsure = false;
  let started = false;
  let rootClosed = false;
  let line = 1;
  /** The current text: its bounds in `buf`, what it holds, and the line where it starts. */
  let textStart = 0;
  let textEnd = 0;
  let textHigh = false;
  let textAmp = false;
  let textCR = false;
  let lineAtText = 1;
  let emptyElement = false;

  const source: FlowSource = {
    line: () => line,
    content() {
      if (emptyElement) return '';
      if (textEnd - textStart > MAX_FIELD_BYTES) {
        unsure = true;
        return '';
      }
      let text = textHigh ? buf.toString('utf8', textStart, textEnd) : buf.toString('latin1', textStart, textEnd);
      if (textHigh && text.includes('\uFFFD')) unsure = true;
      if (textAmp) text = text.replace(ENTITY, (_, name: string) => ENTITY_TEXT[name] ?? '');
      text = text.trim();
      if (textCR && text.includes('\r')) unsure = true;
      return text;
    },
    fail: () => void (unsure = true),
  };
  const sink = createFlowSink(source, emit);
  const stack = sink.stack;

  /**
   * The name of the bytes [start, end) of `data`, whose hash is `hash`: the same string each time
   * (internalized, so compared and looked up fast), or null when another name has that hash.
   */
  const nameOf = (data: Buffer, start: number, end: number, hash: number): ElementName | null => {
    const known = names.get(hash);
    if (known === undefined) {
      const bytes = Uint8Array.from(data.subarray(start, end));
      const name = Object.keys({ [data.toString('latin1', start, end)]: 0 })[0] ?? '';
      const met = { name, bytes, next: null };
      names.set(hash, met);
      return met;
    }
    const { bytes } = known;
    if (bytes.length !== end - start) return null;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== data[start + i]) return null;
    return known;
  };

  /** Scans `buf` from its start; returns where the part not yet read starts, or -1 once unsure. */
  const scan = (): number => {
    const data = buf;
    const len = data.length;
    let i = 0;
    textStart = 0;
    lineAtText = line;
    textHigh = textAmp = textCR = false;
    for (;;) {
      // The text up to the next `<`: the hot loop, on locals.
      let lines = 0;
      for (; i < len; i++) {
        const b = data[i] ?? 0;
        if (b === LT) break;
        if (b < 0x20) {
          if (b === LF) lines += 1;
          else if (b === CR) {
            if (i + 1 >= len) return textStart;
            if (data[i + 1] !== LF) return -1;
            textCR = true;
          } else if (b !== 0x09) return -1;
        } else if (b >= 0x80) {
          textHigh = true;
          if (b === 0xef && data[i + 1] === 0xbf && (data[i + 2] ?? 0) >= 0xbe) return -1;
        } else if (b === AMP) {
          if (i + 6 > len) return textStart;
          if (
            !ENTITY_BYTES.some((entity) => data.compare(entity, 0, entity.length, i + 1, i + 1 + entity.length) === 0)
          )
            return -1;
          textAmp = true;
        } else if (b === GT && data[i - 1] === 0x5d && data[i - 2] === 0x5d && i - 2 >= textStart) return -1;
      }
      if (i >= len) return textStart;
      line += lines;
      textEnd = i;
      if (stack.length === 0 && !blank(textStart, textEnd)) return -1;
      const next = tag(data, i);
      if (next === 0) return textStart;
      if (next < 0) return -1;
      i = textStart = next;
      lineAtText = line;
      textHigh = textAmp = textCR = false;
      if (unsure) return -1;
    }
  };

  /** The name guessed after the last tag, when the bytes at `start` are that name, whole. */
  const guessed = (data: Buffer, start: number): ElementName | null => {
    const guess = previous?.next;
    if (!guess) return null;
    const { bytes } = guess;
    const end = start + bytes.length;
    if (end >= data.length || nameByte(data[end] ?? 0, false)) return null;
    for (let k = 0; k < bytes.length; k++) if (data[start + k] !== bytes[k]) return null;
    return guess;
  };

  const blank = (start: number, end: number): boolean => {
    for (let i = start; i < end; i++) if (!isSpace(buf[i] ?? 0)) return false;
    return true;
  };

  /** Reads the tag at `lt`: where what follows it starts, 0 when it goes past `buf`, -1 when unsure. */
  const tag = (data: Buffer, lt: number): number => {
    const len = data.length;
    let i = lt + 1;
    if (i >= len) return 0;
    const first = data[i] ?? 0;
    if (first === SLASH) {
      const closing = open[open.length - 1];
      if (closing === undefined) return -1;
      const name = closing.bytes;
      i += 1;
      if (i + name.length >= len) return 0;
      for (let k = 0; k < name.length; k++, i++) if (data[i] !== name[k]) return -1;
      while (i < len && isSpace(data[i] ?? 0)) {
        if (data[i] === LF) line += 1;
        else if (data[i] === CR) return -1;
        i += 1;
      }
      if (i >= len) return 0;
      if (data[i] !== GT) return -1;
      emptyElement = false;
      open.pop();
      previous = closing;
      sink.close();
      if (stack.length === 0) rootClosed = true;
      return i + 1;
    }
    if (rootClosed) return -1;
    if (first === 0x3f) return declaration(lt);
    let name = guessed(data, lt + 1);
    if (name !== null) i = lt + 1 + name.bytes.length;
    else {
      if (!nameByte(first, true)) return -1;
      let hash = first;
      for (i += 1; i < len; i++) {
        const b = data[i] ?? 0;
        if (!nameByte(b, false)) break;
        hash = (Math.imul(hash, 31) + b) | 0;
      }
      if (i >= len) return 0;
      name = nameOf(data, lt + 1, i, hash);
      if (name === null) return -1;
    }
    let empty = false;
    if (data[i] !== GT) {
      const gt = data.indexOf(GT, i);
      if (gt < 0) return data.length - lt > MAX_CARRY_BYTES ? -1 : 0;
      empty = data[gt - 1] === SLASH;
      if (!attributes(data.toString('latin1', i, empty ? gt - 1 : gt))) return -1;
      i = gt;
    }
    if (previous) previous.next = name;
    previous = name;
    started = true;
    sink.open(name.name);
    if (!empty) open.push(name);
    else {
      emptyElement = true;
      sink.close();
      emptyElement = false;
      if (stack.length === 0) rootClosed = true;
    }
    return i + 1;
  };

  /** Checks the attributes of a start tag (its text after the name) and counts their lines. */
  const attributes = (text: string): boolean => {
    if (NOT_IN_TAG.test(text)) return false;
    const seen = new Set<string>();
    let at = 0;
    ATTRIBUTE.lastIndex = 0;
    for (let match = ATTRIBUTE.exec(text); match; match = ATTRIBUTE.exec(text)) {
      const name = match[1] ?? '';
      if (seen.has(name)) return false;
      seen.add(name);
      at = ATTRIBUTE.lastIndex;
    }
    if (!/^[ \t\n]*$/.test(text.slice(at))) return false;
    line += text.split('\n').length - 1;
    return true;
  };

  /** The XML declaration, only as the file's very first bytes. */
  const declaration = (lt: number): number => {
    if (started || lt !== 0) return -1;
    const end = buf.indexOf('?>', lt);
    if (end < 0) return buf.length > MAX_CARRY_BYTES ? -1 : 0;
    const text = buf.toString('latin1', lt, end + 2);
    if (text.includes('\r') || !DECLARATION.test(text)) return -1;
    line += text.split('\n').length - 1;
    started = true;
    return end + 2;
  };

  return {
    write(chunk) {
      if (unsure) return false;
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      line = lineAtText;
      const rest = scan();
      if (rest < 0 || unsure || buf.length - rest > MAX_CARRY_BYTES) {
        unsure = true;
        return false;
      }
      buf = buf.subarray(rest);
      line = lineAtText;
      return true;
    },
    end() {
      if (unsure || !rootClosed || !blank(0, buf.length)) return null;
      return sink.summary();
    },
  };
}
