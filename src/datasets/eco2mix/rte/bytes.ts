/**
 * The bytes of an RTE downloadable file → its text: the one data file of a `.zip`, checked to be
 * 8-bit text (a UTF-16 copy or an Excel workbook is refused, named as such), decoded as UTF-8 when
 * it is valid UTF-8, else as Latin-1 (Windows-1252), RTE's encoding; a BOM removed.
 */
import { unzipSync } from 'fflate';
import { BadDataError } from '../../../workflow-safe/errors.js';
import { assertEightBitText } from '../../text-encoding.js';

export type RteEncoding = 'latin1' | 'utf-8';

export interface RteText {
  /** The data file inside the zip, or null when the file was not a zip. */
  readonly entry: string | null;
  /** The file as named in errors and rejects: `name`, or `name!entry` for a zip. */
  readonly file: string;
  readonly encoding: RteEncoding;
  readonly text: string;
}

/** Unzipped data files larger than this are refused (a zip bomb, or not an eCO2mix file). */
const MAX_DATA_BYTES = 256 * 1024 * 1024;
const DATA_FILE = /\.(xls|csv|tsv|txt)$/i;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const RTE_TEXT = "tab-separated text in UTF-8 or Latin-1 (Windows-1252), as RTE's own files are";

function isZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((byte, i) => bytes[i] === byte);
}

/** What to do with an Excel workbook given for RTE's text file. */
const EXCEL_ADVICE =
  "an Excel workbook, not RTE's text file: export it as the RTE text file (tab-separated, as eCO2mix's .xls download is), " +
  'or give the .zip RTE publishes';
/** The signature of an Excel 97–2003 workbook (OLE2 compound file). */
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** The one data file inside a zip: its name and bytes. */
function unzipDataFile(bytes: Uint8Array, name: string): { entry: string; bytes: Uint8Array } {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        // An .xlsx is a zip of XML parts: a workbook renamed .xls or .zip.
        if (file.name === 'xl/workbook.xml') throw new BadDataError({ file: name }, EXCEL_ADVICE);
        if (!DATA_FILE.test(file.name) || file.name.startsWith('__MACOSX/')) return false;
        if (file.originalSize > MAX_DATA_BYTES) {
          throw new BadDataError({ file: name }, `${file.name} unzips to more than ${MAX_DATA_BYTES} bytes`);
        }
        return true;
      },
    });
  } catch (cause) {
    if (cause instanceof BadDataError) throw cause;
    throw new BadDataError({ file: name }, `the zip cannot be read: ${String(cause)}`, { cause });
  }
  const entries = Object.entries(files);
  const [first] = entries;
  if (first === undefined) throw new BadDataError({ file: name }, 'the zip holds no .xls (or .csv) data file');
  if (entries.length > 1) {
    throw new BadDataError({ file: name }, `the zip holds several data files: ${entries.map(([n]) => n).join(', ')}`);
  }
  return { entry: first[0], bytes: first[1] };
}

/** UTF-8 when the bytes are valid UTF-8, else Latin-1 (RTE's encoding); without a BOM. */
function decode(bytes: Uint8Array): { text: string; encoding: RteEncoding } {
  let text: string;
  let encoding: RteEncoding = 'utf-8';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('latin1').decode(bytes);
    encoding = 'latin1';
  }
  return { text: text.startsWith('\uFEFF') ? text.slice(1) : text, encoding };
}

/** The text of an RTE file (zip or data file) named `name`; throws BadDataError when it has none. */
export function readRteText(bytes: Uint8Array, name: string): RteText {
  if (OLE2_MAGIC.every((byte, i) => bytes[i] === byte)) throw new BadDataError({ file: name }, EXCEL_ADVICE);
  const unzipped = isZip(bytes) ? unzipDataFile(bytes, name) : null;
  const file = unzipped ? `${name}!${unzipped.entry}` : name;
  const data = unzipped?.bytes ?? bytes;
  assertEightBitText(data, file, RTE_TEXT);
  return { entry: unzipped?.entry ?? null, file, ...decode(data) };
}
