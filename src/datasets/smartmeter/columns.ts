/**
 * Smart-meter CSV columns. A feed carries one reading per meter and interval: a meter id, the
 * instant the interval starts and the energy of the interval in kWh. Columns are matched by name
 * (a few common spellings), never by position; other columns are ignored.
 */

export const SMARTMETER_COLUMNS = ['meter_id', 'timestamp', 'kwh'] as const;
export type SmartMeterColumn = (typeof SMARTMETER_COLUMNS)[number];

/** Normalised header labels → canonical column. */
const ALIASES: Readonly<Record<string, SmartMeterColumn>> = {
  meter_id: 'meter_id',
  meterid: 'meter_id',
  meter: 'meter_id',
  meter_number: 'meter_id',
  id_compteur: 'meter_id',
  prm: 'meter_id',
  timestamp: 'timestamp',
  datetime: 'timestamp',
  date_time: 'timestamp',
  interval_start: 'timestamp',
  horodate: 'timestamp',
  kwh: 'kwh',
  energy_kwh: 'kwh',
  consumption_kwh: 'kwh',
  kwh_consumed: 'kwh',
};

/** `Energy (kWh)` → `energy_kwh`: no accents, lower case, words joined by `_`. */
export function normaliseSmartMeterLabel(label: string): string {
  return label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The canonical column a header label stands for, or null for a column courant does not keep. */
export function canonicalSmartMeterColumn(label: string): SmartMeterColumn | null {
  return ALIASES[normaliseSmartMeterLabel(label)] ?? null;
}
