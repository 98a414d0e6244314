/** The `energies` capability: energy per meter over a period (`courant energies`, the serve API, period reports). */
import type { DatasetDefinition } from '../contract.js';

/** Energy per meter over a period, from the stored days' tables (`courant energies`). */
export interface PeriodEnergies<TTable extends string = string> {
  /** The table read from each day. */
  readonly table: TTable;
  /** Other tables of a day that `sql` reads, copied beside the day's `table` (the same folder). */
  readonly alongside?: readonly TTable[];
  /** The first day whose table the period `from`..`to` needs (e.g. the day before: its end is the start index). */
  firstDay(from: string): string;
  /** The columns of the answer, in order. */
  readonly columns: readonly string[];
  /**
   * SQL giving the answer over `files` (the local copies of the table of the days from
   * `firstDay(from)` to `to` that are stored), for the given meters (all when empty), ordered.
   */
  sql(context: {
    readonly from: string;
    readonly to: string;
    readonly files: readonly string[];
    readonly meters: readonly string[];
  }): string;
}

export interface EnergiesCapability extends PeriodEnergies {
  readonly kind: 'energies';
  readonly dataset: string;
}

/** `courant energies` reads energy per meter of `dataset` with `energies`, over tables it declares. */
export function periodEnergies<TConfig, TMetrics, TTable extends string>(
  dataset: DatasetDefinition<TConfig, TMetrics, TTable>,
  energies: PeriodEnergies<NoInfer<TTable>>,
): EnergiesCapability {
  return { ...energies, kind: 'energies', dataset: dataset.name };
}
