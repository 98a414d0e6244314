/**
 * Streaming reader of Enedis flow files (R151, C15, R15): the XML is read once with a SAX parser
 * (saxes), in bounded memory whatever the file's size, and every index value is written as one
 * CSV line of raw text fields (`VALUE_COLUMNS`: PRM, date, class, value, unit, calendar, nature…)
 * with the line of its element, in files grouped by reading date (`day-buckets.ts`). Converting,
 * checking and keeping them is SQL's work (`rows-sql.ts`). Each value is written as soon as its
 * element closes, straight as text: no object per value.
 *
 * - The flow is the root element: `R151` (daily Linky indexes, the unit in the header's
 *   `Unite_Mesure_Index`) or `C15` (contract events with readings before and after, the unit on
 *   each value) or `R15` (C5/P4 periodic indexes, `Classe_Mesure` 1, and the energies of the period
 *   since `Date_Releve_Precedent`, `Classe_Mesure` 2; the unit on each value's `Unite_Mesure`, or
 *   else the header's `Unite_Mesure_Index`). Any other root is refused, naming it.
 * - An R15 index's `Valeur_Precedent` is a value of its own: the previous reading the flow states,
 *   at `Date_Releve_Precedent` with the nature `Nature_Index_Precedent`, written to the bucket of its
 *   own date with the line of its element.
 * - A document type declaration is refused: entities are never expanded (no XML bomb).
 * - Malformed XML fails the file naming the line and column.
 * - Bounds (`MAX_FIELD_CHARS`, `MAX_TEXT_CHARS`): a field longer than its bound is written cut
 *   (its start and its length), so that its value is rejected naming its line and element while
 *   the file goes on; a run of text without markup longer than its bound refuses the file at once.
 */
import { createReadStream } from 'node:fs';
import { SaxesParser } from 'saxes';
import { BadDataError } from '../../workflow-safe/errors.js';
import { createBucketWriter, type BucketFile } from './day-buckets.js';
import { FLOWS, type Flow, type RawIndexValue } from './flow-values.js';

/**
 * The longest field kept as it is (characters). The longest text of the real flows we hold is 66
 * characters (a header's description); a PRM is 14, a timestamp with its offset 25.
 */
export const MAX_FIELD_CHARS = 1024;

/**
 * The longest run of characters without markup (`<`) read before the file is refused: a text node,
 * a comment or whitespace this long is no flow, and the parser would hold it whole in memory.
 */
export const MAX_TEXT_CHARS = 16 * 1024 * 1024;

/** A field past `MAX_FIELD_CHARS` as written: its first characters and its length (the checks then reject it). */
function cutField(text: string, length: number): string {
  return `${text.slice(0, 32)}… (${length} characters, more than the ${MAX_FIELD_CHARS} a field may hold)`;
}

/** A text field of a CSV line: quoted, its quotes doubled; null as nothing. */
function csvField(text: string | null): string {
  if (text === null) return '';
  return text.includes('"') ? `"${text.replaceAll('"', '""')}"` : `"${text}"`;
}

export interface FlowFileSummary {
  readonly flow: Flow;
  /** Index values written. */
  readonly values: number;
  /** C15 contract events written (their lines are among the files' lines). */
  readonly events: number;
  /** The CSV files written since the last segment handed on (all of them without segments), in the order of their reading dates. */
  readonly files: readonly BucketFile[];
}

/**
 * Values written in segments: once a segment holds `values` values, its files are closed and
 * handed to `onSegment` (which may keep them while the rest of the flow is read), and the next
 * values go to new files. The last segment is the summary's `files`.
 */
export interface FlowSegments {
  readonly values: number;
  readonly onSegment: (files: readonly BucketFile[]) => void;
}

const isFlow = (name: string): name is Flow => (FLOWS as readonly string[]).includes(name);

/** What is known of the reading being read (a `Donnees_Releve`) and of the class value in it. */
interface Reading {
  date: string | null;
  previousDate: string | null;
  distributorCalendar: string | null;
  supplierCalendar: string | null;
  nature: string | null;
  previousNature: string | null;
  qualification: string | null;
}

interface ClassValue {
  readonly kind: RawIndexValue['class_kind'];
  readonly line: number;
  class: string | null;
  value: string | null;
  unit: string | null;
  measureClass: string | null;
  direction: string | null;
  /** `Valeur_Precedent` and the line of its element. */
  previousValue: string | null;
  previousLine: number;
}

/** A C15 event being read: its `Evenement_Declencheur` and, closing after it, the PRM's `Situation_Contractuelle`. */
interface ContractEvent {
  readonly line: number;
  date: string | null;
  nature: string | null;
  contract: string | null;
  state: string | null;
  fta: string | null;
  power: string | null;
  calendar: string | null;
  readings: number;
}

const CLASS_ELEMENTS: Readonly<Record<string, RawIndexValue['class_kind']>> = {
  Classe_Temporelle_Distributeur: 'distributor',
  Classe_Temporelle: 'supplier',
};

/** A flow read chunk by chunk: text goes in, its index values are written as CSV lines. */
export interface FlowReader {
  /**
   * Reads the next chunk of text; resolves once its values are written, to false when the flow is
   * known to be bad (nothing more is read: `close` names the problem).
   */
  write(chunk: string): Promise<boolean>;
  /** Ends the flow. Throws BadDataError (line and column) when it was malformed or not a known flow. */
  close(): Promise<FlowFileSummary>;
  /** Ends the output without a result (the input could not be read). */
  abort(): Promise<void>;
}

/**
 * A reader writing the index values of one flow as CSV lines to files `{prefix}-{n}.csv`, one per
 * reading date, each in the flow's order (with `segments`, each segment after the first to files
 * `{prefix}-s{k}-{n}.csv`). `file` names the flow in errors. Malformed XML, a document type
 * declaration, or a root that is not a known flow make `close` throw BadDataError naming the line
 * and column.
 */
export function createFlowReader(file: string, prefix: string, segments?: FlowSegments): FlowReader {
  const parser = new SaxesParser({ position: true });
  let out = createBucketWriter(prefix);
  let segment = 0;
  let segmentStart = 0;
  const stack: string[] = [];
  let flow: Flow | null = null;
  let headerUnit: string | null = null;
  let prm: string | null = null;
  let event: string | null = null;
  let prmSegment: string | null = null;
  let contractEvent: ContractEvent | null = null;
  let events = 0;
  let reading: Reading | null = null;
  let value: ClassValue | null = null;
  let text = '';
  /** The characters of the element's text, of which `text` keeps the first `MAX_FIELD_CHARS` + 1. */
  let textLength = 0;
  /** Characters read since the last `<`, and the line where that run started. */
  let sinceMarkup = 0;
  let runLine = 1;
  let values = 0;
  /** The first problem met; parsing stops there. */
  const failures: BadDataError[] = [];

  const fail = (problem: string) => {
    failures.push(new BadDataError({ file, line: parser.line, column: String(parser.column) }, problem));
  };
  parser.on('error', (error) => fail(`not well-formed XML: ${error.message.replace(/^[^:]*:\d+:\d+: /, '')}`));
  parser.on('doctype', () => fail('a document type declaration is refused (entities are never expanded)'));
  parser.on('opentag', (tag) => {
    if (stack.length === 0) {
      if (!isFlow(tag.name)) fail(`"${tag.name}" is not an Enedis flow courant reads (${FLOWS.join(', ')})`);
      else flow = tag.name;
    }
    stack.push(tag.name);
    text = '';
    textLength = 0;
    if (tag.name === 'PRM') {
      prm = null;
      prmSegment = null;
      contractEvent = null;
    }
    if (tag.name === 'Evenement_Declencheur') {
      event = null;
      contractEvent = {
        line: parser.line,
        date: null,
        nature: null,
        contract: null,
        state: null,
        fta: null,
        power: null,
        calendar: null,
        readings: 0,
      };
    }
    if (tag.name === 'Donnees_Releve')
      reading = {
        date: null,
        previousDate: null,
        distributorCalendar: null,
        supplierCalendar: null,
        nature: null,
        previousNature: null,
        qualification: null,
      };
    const kind = CLASS_ELEMENTS[tag.name];
    if (kind && reading)
      value = {
        kind,
        line: parser.line,
        class: null,
        value: null,
        unit: null,
        measureClass: null,
        direction: null,
        previousValue: null,
        previousLine: parser.line,
      };
  });
  parser.on('text', (chunk) => {
    if (textLength <= MAX_FIELD_CHARS) text += chunk.slice(0, MAX_FIELD_CHARS + 1 - text.length);
    textLength += chunk.length;
  });
  parser.on('closetag', (tag) => {
    stack.pop();
    const content = textLength > MAX_FIELD_CHARS ? cutField(text.trim(), textLength) : text.trim();
    text = '';
    textLength = 0;
    const parent = stack[stack.length - 1];
    if (CLASS_ELEMENTS[tag.name] && value && reading && flow) {
      out.add(reading.date, valueLine(flow, prm, event, headerUnit, reading, value, false));
      values += 1;
      if (value.previousValue !== null) {
        out.add(reading.previousDate, valueLine(flow, prm, event, headerUnit, reading, value, true));
        values += 1;
      }
      if (contractEvent) contractEvent.readings += 1;
      value = null;
    } else if (value && parent !== undefined && CLASS_ELEMENTS[parent])
      readClassField(value, tag.name, content, parser.line);
    else if (tag.name === 'Donnees_Releve') reading = null;
    else if (reading && parent === 'Donnees_Releve') readReadingField(reading, tag.name, content);
    else if (tag.name === 'Unite_Mesure_Index' && parent === 'En_Tete_Flux') headerUnit = content;
    else if (tag.name === 'Id_PRM' && parent === 'PRM') prm = content;
    else if (tag.name === 'Nature_Evenement' && parent === 'Evenement_Declencheur') {
      event = content;
      if (contractEvent) contractEvent.nature = content;
    } else if (tag.name === 'Segment_Clientele' && parent === 'PRM') prmSegment = content;
    else if (tag.name === 'PRM' && flow === 'C15' && contractEvent) {
      out.add(contractEvent.date, eventLine(prm, prmSegment, contractEvent));
      events += 1;
      contractEvent = null;
    } else if (contractEvent && parent !== undefined) readEventField(contractEvent, parent, tag.name, content);
  });

  return {
    async write(chunk) {
      if (failures.length > 0) return false;
      const markup = chunk.indexOf('<');
      const run = sinceMarkup + (markup < 0 ? chunk.length : markup);
      if (run > MAX_TEXT_CHARS) {
        failures.push(
          new BadDataError(
            { file, line: runLine },
            `more than ${MAX_TEXT_CHARS} characters without markup from this line on` +
              `${stack.length > 0 ? ` (in ${stack.join('/')})` : ''}: no flow holds a text this long`,
          ),
        );
        return false;
      }
      parser.write(chunk);
      if (markup >= 0) {
        sinceMarkup = chunk.length - chunk.lastIndexOf('<') - 1;
        runLine = parser.line;
      } else sinceMarkup = run;
      if (failures.length > 0) return false;
      // The lines read from this chunk are written before the next one is parsed (backpressure).
      await out.flush();
      if (segments && values - segmentStart >= segments.values) {
        const files = await out.close();
        segment += 1;
        segmentStart = values;
        out = createBucketWriter(`${prefix}-s${segment}`);
        segments.onSegment(files);
      }
      return true;
    },
    async close() {
      let files: BucketFile[];
      try {
        if (failures.length === 0) parser.close();
      } finally {
        files = await out.close();
      }
      const [failure] = failures;
      if (failure) throw failure;
      if (!flow) throw new BadDataError({ file }, 'the file holds no XML element');
      return { flow, values, events, files };
    },
    async abort() {
      await out.close();
    },
  };
}

/**
 * Reads the flow file at `path` and writes its index values as CSV lines to files `{prefix}-{n}.csv`,
 * in `segments` if given (see {@link createFlowReader}). `file` names the file in errors. Throws
 * BadDataError (line and column) on malformed XML, a document type declaration, or a root that is
 * not a known flow.
 */
export async function writeFlowValues(
  path: string,
  file: string,
  prefix: string,
  segments?: FlowSegments,
): Promise<FlowFileSummary> {
  const reader = createFlowReader(file, prefix, segments);
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
      if (!(await reader.write(chunk as string))) break;
    }
  } catch (error) {
    await reader.abort();
    throw error;
  }
  return reader.close();
}

/**
 * The CSV line of a value (`VALUE_COLUMNS`), ending with a newline: with `previous`, the line of
 * its previous reading (`Valeur_Precedent`, `Nature_Index_Precedent`, the line of its element).
 */
function valueLine(
  flow: Flow,
  prm: string | null,
  event: string | null,
  headerUnit: string | null,
  reading: Reading,
  value: ClassValue,
  previous: boolean,
): string {
  const calendar = value.kind === 'distributor' ? reading.distributorCalendar : reading.supplierCalendar;
  const amount = previous ? value.previousValue : value.value;
  const nature = previous ? reading.previousNature : reading.nature;
  return (
    `${csvField(prm)},${flow},${csvField(reading.date)},${csvField(reading.previousDate)},${value.kind},` +
    `${csvField(value.class)},${csvField(calendar)},${csvField(amount)},${csvField(value.unit ?? headerUnit)},` +
    `${csvField(nature)},${csvField(reading.qualification)},${csvField(event)},` +
    `${csvField(value.measureClass)},${csvField(value.direction)},${previous ? '"1"' : ''},` +
    `${previous ? value.previousLine : value.line},,,,,,,\n`
  );
}

/** The CSV line of a C15 contract event (`VALUE_COLUMNS`, `record` `event`), ending with a newline. */
function eventLine(prm: string | null, segment: string | null, e: ContractEvent): string {
  return (
    `${csvField(prm)},C15,${csvField(e.date)},,,,${csvField(e.calendar)},,,,,${csvField(e.nature)},,,,${e.line},"event",` +
    `${csvField(e.contract)},${csvField(e.state)},${csvField(e.fta)},${csvField(e.power)},${csvField(segment)},${e.readings}\n`
  );
}

/** Reads a field of the event (its date) or of the situation after it, when `name` under `parent` is one. */
function readEventField(e: ContractEvent, parent: string, name: string, content: string): void {
  if (parent === 'Evenement_Declencheur' && name === 'Date_Evenement') e.date = content;
  else if (parent === 'Situation_Contractuelle' && name === 'Ref_Situation_Contractuelle') e.contract = content;
  else if (parent === 'Situation_Contractuelle' && name === 'Etat_Contractuel') e.state = content;
  else if (parent === 'Structure_Tarifaire' && name === 'Formule_Tarifaire_Acheminement') e.fta = content;
  else if (parent === 'Structure_Tarifaire' && name === 'Puissance_Souscrite') e.power = content;
  else if (parent === 'Structure_Tarifaire' && name === 'Id_Calendrier_Distributeur') e.calendar = content;
}

function readReadingField(reading: Reading, name: string, content: string): void {
  if (name === 'Date_Releve') reading.date = content;
  else if (name === 'Date_Releve_Precedent') reading.previousDate = content;
  else if (name === 'Id_Calendrier_Distributeur') reading.distributorCalendar = content;
  else if (name === 'Id_Calendrier_Fournisseur' || name === 'Id_Calendrier') reading.supplierCalendar = content;
  else if (name === 'Nature_Index') reading.nature = content;
  else if (name === 'Nature_Index_Precedent') reading.previousNature = content;
  else if (name === 'Code_Qualification') reading.qualification = content;
}

function readClassField(value: ClassValue, name: string, content: string, line: number): void {
  if (name === 'Id_Classe_Temporelle') value.class = content;
  else if (name === 'Valeur') value.value = content;
  else if (name === 'Valeur_Precedent') {
    value.previousValue = content;
    value.previousLine = line;
  } else if (name === 'Unite_Mesure') value.unit = content;
  else if (name === 'Classe_Mesure') value.measureClass = content;
  else if (name === 'Sens_Mesure') value.direction = content;
}
