/**
 * What a flow's elements mean, whichever parser reads them (`flow-scan.ts` first, `flow-xml.ts`
 * when it cannot be sure): each element's opening and closing, in document order, become the flow's
 * index values and C15 events as CSV lines of raw text fields (`VALUE_COLUMNS`: PRM, date, class,
 * value, unit, calendar, nature…) with the line of their element. Each line is handed on as soon as
 * its element closes, straight as text: no object per value.
 *
 * - The flow is the root element: `R151` (daily Linky indexes, the unit in the header's
 *   `Unite_Mesure_Index`) or `C15` (contract events with readings before and after, the unit on
 *   each value) or `R15` (C5/P4 periodic indexes, `Classe_Mesure` 1, and the energies of the period
 *   since `Date_Releve_Precedent`, `Classe_Mesure` 2; the unit on each value's `Unite_Mesure`, or
 *   else the header's `Unite_Mesure_Index`). Any other root is refused, naming it.
 * - An R15 index's `Valeur_Precedent` is a value of its own: the previous reading the flow states,
 *   at `Date_Releve_Precedent` with the nature `Nature_Index_Precedent`, written to the bucket of its
 *   own date with the line of its element.
 * - Only the texts of the fields it keeps are asked of the parser (`FlowSource.content`), and the
 *   line only where a value or an event starts.
 */
import { FLOWS, type Flow, type RawIndexValue } from './flow-values.js';

/** What the sink asks of the parser feeding it. */
export interface FlowSource {
  /** The line of the tag just read (where its `>` is). */
  line(): number;
  /** The text of the element just closed (what its closing tag ends, since the tag before), trimmed. */
  content(): string;
  /** Refuses the flow for `problem`; the parser names where. */
  fail(problem: string): void;
}

/** The flow's elements going in, one call per tag; its CSV lines going out to `emit`. */
export interface FlowSink {
  /** The names of the elements open, the root first. */
  readonly stack: readonly string[];
  open(name: string): void;
  close(): void;
  /** The flow (null until its root is read), its index values and C15 events handed on. */
  summary(): { readonly flow: Flow | null; readonly values: number; readonly events: number };
}

/** Hands on one CSV line (ending with a newline) and the reading date it belongs to. */
export type EmitLine = (date: string | null, line: string) => void;

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

/** The kind of value a class element holds, or null when `name` is none. */
const classKind = (name: string): RawIndexValue['class_kind'] | null =>
  name === 'Classe_Temporelle_Distributeur' ? 'distributor' : name === 'Classe_Temporelle' ? 'supplier' : null;

/** A sink turning the elements `source` reads into CSV lines handed to `emit`. */
export function createFlowSink(source: FlowSource, emit: EmitLine): FlowSink {
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
  let values = 0;

  return {
    stack,
    open(name) {
      if (stack.length === 0) {
        if (!isFlow(name)) source.fail(`"${name}" is not an Enedis flow courant reads (${FLOWS.join(', ')})`);
        else flow = name;
      }
      stack.push(name);
      if (name === 'PRM') {
        prm = null;
        prmSegment = null;
        contractEvent = null;
      } else if (name === 'Evenement_Declencheur') {
        event = null;
        contractEvent = {
          line: source.line(),
          date: null,
          nature: null,
          contract: null,
          state: null,
          fta: null,
          power: null,
          calendar: null,
          readings: 0,
        };
      } else if (name === 'Donnees_Releve')
        reading = {
          date: null,
          previousDate: null,
          distributorCalendar: null,
          supplierCalendar: null,
          nature: null,
          previousNature: null,
          qualification: null,
        };
      const kind = classKind(name);
      if (kind && reading) {
        const line = source.line();
        value = {
          kind,
          line,
          class: null,
          value: null,
          unit: null,
          measureClass: null,
          direction: null,
          previousValue: null,
          previousLine: line,
        };
      }
    },
    close() {
      const name = stack.pop();
      const parent = stack[stack.length - 1];
      if (name === undefined) return;
      if (value && reading && flow && classKind(name)) {
        emit(reading.date, valueLine(flow, prm, event, headerUnit, reading, value, false));
        values += 1;
        if (value.previousValue !== null) {
          emit(reading.previousDate, valueLine(flow, prm, event, headerUnit, reading, value, true));
          values += 1;
        }
        if (contractEvent) contractEvent.readings += 1;
        value = null;
      } else if (value && parent !== undefined && classKind(parent)) readClassField(value, name, source);
      else if (name === 'Donnees_Releve') reading = null;
      else if (reading && parent === 'Donnees_Releve') readReadingField(reading, name, source);
      else if (name === 'Unite_Mesure_Index' && parent === 'En_Tete_Flux') headerUnit = source.content();
      else if (name === 'Id_PRM' && parent === 'PRM') prm = source.content();
      else if (name === 'Nature_Evenement' && parent === 'Evenement_Declencheur') {
        event = source.content();
        if (contractEvent) contractEvent.nature = event;
      } else if (name === 'Segment_Clientele' && parent === 'PRM') prmSegment = source.content();
      else if (name === 'PRM' && flow === 'C15' && contractEvent) {
        emit(contractEvent.date, eventLine(prm, prmSegment, contractEvent));
        events += 1;
        contractEvent = null;
      } else if (contractEvent && parent !== undefined) readEventField(contractEvent, parent, name, source);
    },
    summary: () => ({ flow, values, events }),
  };
}

/** A text field of a CSV line: quoted, its quotes doubled; null as nothing. */
function csvField(text: string | null): string {
  if (text === null) return '';
  return text.includes('"') ? `"${text.replaceAll('"', '""')}"` : `"${text}"`;
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
function readEventField(e: ContractEvent, parent: string, name: string, source: FlowSource): void {
  if (parent === 'Evenement_Declencheur' && name === 'Date_Evenement') e.date = source.content();
  else if (parent === 'Situation_Contractuelle' && name === 'Ref_Situation_Contractuelle')
    e.contract = source.content();
  else if (parent === 'Situation_Contractuelle' && name === 'Etat_Contractuel') e.state = source.content();
  else if (parent === 'Structure_Tarifaire' && name === 'Formule_Tarifaire_Acheminement') e.fta = source.content();
  else if (parent === 'Structure_Tarifaire' && name === 'Puissance_Souscrite') e.power = source.content();
  else if (parent === 'Structure_Tarifaire' && name === 'Id_Calendrier_Distributeur') e.calendar = source.content();
}

function readReadingField(reading: Reading, name: string, source: FlowSource): void {
  if (name === 'Date_Releve') reading.date = source.content();
  else if (name === 'Date_Releve_Precedent') reading.previousDate = source.content();
  else if (name === 'Id_Calendrier_Distributeur') reading.distributorCalendar = source.content();
  else if (name === 'Id_Calendrier_Fournisseur' || name === 'Id_Calendrier')
    reading.supplierCalendar = source.content();
  else if (name === 'Nature_Index') reading.nature = source.content();
  else if (name === 'Nature_Index_Precedent') reading.previousNature = source.content();
  else if (name === 'Code_Qualification') reading.qualification = source.content();
}

function readClassField(value: ClassValue, name: string, source: FlowSource): void {
  if (name === 'Id_Classe_Temporelle') value.class = source.content();
  else if (name === 'Valeur') value.value = source.content();
  else if (name === 'Valeur_Precedent') {
    value.previousValue = source.content();
    value.previousLine = source.line();
  } else if (name === 'Unite_Mesure') value.unit = source.content();
  else if (name === 'Classe_Mesure') value.measureClass = source.content();
  else if (name === 'Sens_Mesure') value.direction = source.content();
}
