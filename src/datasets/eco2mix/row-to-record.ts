/** One CSV row of an eCO2mix export → a typed record, or the reason it cannot be kept. */
import type { RejectedRow } from '../types.js';
import type { CsvRow } from './csv-rows.js';
import type { Eco2mixHeader } from './header.js';
import { ECO2MIX_MEASURES, type Eco2mixMeasure, type Eco2mixRecord } from './record.js';
import type { Eco2mixSource } from './sources.js';
import { isMissingValue, readInstant, readMeasure } from './values.js';

export type RowReading =
  | { readonly ok: true; readonly record: Eco2mixRecord; readonly rawInstant: string }
  | { readonly ok: false; readonly reject: RejectedRow };

/**
 * Reads a row whose fields line up with the header. The first problem found rejects the row:
 * wrong number of fields, then `date_heure`, then the measures in column order.
 */
export function rowToEco2mixRecord(row: CsvRow, header: Eco2mixHeader, source: Eco2mixSource): RowReading {
  const { line, fields } = row;
  if (fields.length !== header.width) {
    return {
      ok: false,
      reject: {
        line,
        value: fields.join(header.delimiter),
        reason: `expected ${header.width} fields like the header, found ${fields.length}`,
      },
    };
  }
  const cell = (index: number | undefined): string => (index === undefined ? '' : (fields[index] ?? ''));

  const rawInstant = cell(header.indexOf.get('date_heure'));
  const instant = readInstant(rawInstant);
  if (!instant.ok) {
    return { ok: false, reject: { line, column: 'date_heure', value: rawInstant, reason: instant.reason } };
  }

  const measures = {} as Record<Eco2mixMeasure, number | null>;
  for (const name of ECO2MIX_MEASURES) {
    const raw = cell(header.indexOf.get(name));
    const reading = readMeasure(raw);
    if (!reading.ok) {
      return { ok: false, reject: { line, column: name, value: raw, reason: `${name} is ${reading.reason}` } };
    }
    measures[name] = reading.value;
  }

  const rawNature = cell(header.indexOf.get('nature'));
  const nature = isMissingValue(rawNature) ? null : rawNature.trim();
  return { ok: true, record: { instant: instant.value, source, nature, ...measures }, rawInstant };
}
