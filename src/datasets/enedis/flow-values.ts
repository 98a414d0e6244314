/**
 * The index values the flow reader (`flow-xml.ts`) writes, as the SQL that keeps them
 * (`rows-sql.ts`) and the parsed-file cache (`parsed-files.ts`) read them: the flows, the fields of
 * a value's CSV line, and the version of that format. Apart from the reader, so that reading the
 * values never loads the XML parser.
 */

export const FLOWS = ['R151', 'C15', 'R15'] as const;

/** The version of the values written: raise it when they change (parsed files kept by an older reader are then not read). */
export const READER_FORMAT = 5;
export type Flow = (typeof FLOWS)[number];

/** One index value as written in the file: text, unconverted. */
export interface RawIndexValue {
  readonly prm: string | null;
  readonly flow: Flow;
  /** R151: a plain date (the index at the end of that day); C15, R15: a timestamp with its offset. */
  readonly date: string | null;
  /**
   * R15 `Date_Releve_Precedent`: where the period of a stated energy (`Classe_Mesure` 2) starts,
   * and the date of a previous reading (`previous`).
   */
  readonly period_start: string | null;
  /** `distributor` (`Classe_Temporelle_Distributeur`) or `supplier` (`Classe_Temporelle`). */
  readonly class_kind: 'distributor' | 'supplier';
  readonly class: string | null;
  readonly calendar: string | null;
  readonly value: string | null;
  readonly unit: string | null;
  /** `Nature_Index` (C15: REEL, ESTIME…), `Nature_Index_Precedent` for a previous reading; R151 has none. */
  readonly nature: string | null;
  /** C15 `Code_Qualification`: 1 before the event, 2 after. */
  readonly qualification: string | null;
  /** C15 `Nature_Evenement` of the event the reading belongs to. */
  readonly event: string | null;
  /** `Classe_Mesure` (1: index, 2: R15 energy of the period) and `Sens_Mesure` (0: consumption). */
  readonly measure_class: string | null;
  readonly direction: string | null;
  /**
   * `1` for an R15 previous reading: `value` is the index's `Valeur_Precedent`, dated
   * `period_start`; `date` stays the `Date_Releve` it precedes.
   */
  readonly previous: string | null;
  readonly line: number;
  /** `event` for a C15 contract event (one per `PRM` block holding an `Evenement_Declencheur`), null for an index value. */
  readonly record: 'event' | null;
  /** A C15 event's situation after it (`Situation_Contractuelle`): `Ref_Situation_Contractuelle`, `Etat_Contractuel`. */
  readonly contract: string | null;
  readonly state: string | null;
  /** `Structure_Tarifaire`: `Formule_Tarifaire_Acheminement`, `Puissance_Souscrite` (kVA); its `Id_Calendrier_Distributeur` is `calendar`. */
  readonly fta: string | null;
  readonly power: string | null;
  /** The PRM's `Segment_Clientele` (C5, C4…). */
  readonly segment: string | null;
  /** How many class values the event's `Releves` hold (0: an event without readings). */
  readonly readings: number | null;
}

/**
 * The fields of a value's CSV line, in order, as `RawIndexValue` names them: text fields quoted
 * (`""` the empty text), a missing one empty (null); `line` a number.
 */
export const VALUE_COLUMNS = [
  'prm',
  'flow',
  'date',
  'period_start',
  'class_kind',
  'class',
  'calendar',
  'value',
  'unit',
  'nature',
  'qualification',
  'event',
  'measure_class',
  'direction',
  'previous',
  'line',
  'record',
  'contract',
  'state',
  'fta',
  'power',
  'segment',
  'readings',
] as const satisfies ReadonlyArray<keyof RawIndexValue>;
