/** The `status-notes` capability: notes `courant status` adds to days, from their metrics documents. */
import type { DatasetDefinition, MetricsDocument } from '../contract.js';

/** A line `courant status` adds to the notes of a day of the dataset. */
export interface StatusNote {
  readonly date: string;
  readonly note: string;
}

/** A day's metrics document, as the `metrics` record keeps it. */
export interface DayDocument<TMetrics = MetricsDocument> {
  readonly date: string;
  readonly metrics: TMetrics;
}

export interface StatusNotesCapability {
  readonly kind: 'status-notes';
  readonly dataset: string;
  /**
   * Notes for the days `courant status` shows (those with a document, ascending): what no single
   * day can tell, e.g. deliveries missing from a sender's numbering across the days.
   */
  notes(days: readonly DayDocument[]): readonly StatusNote[];
}

/** `courant status` adds the notes `notes` gives for the shown days of `dataset`. */
export function statusNotes<TConfig, TMetrics>(
  dataset: DatasetDefinition<TConfig, TMetrics>,
  notes: (days: readonly DayDocument[]) => readonly StatusNote[],
): StatusNotesCapability {
  return { kind: 'status-notes', dataset: dataset.name, notes };
}
