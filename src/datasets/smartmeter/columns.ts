/**
 * Smart-meter CSV columns. A feed carries one reading per meter and interval: a meter id, the
 * instant the interval starts and the energy of the interval in kWh. Columns are matched by name
 * (a few common spellings), never by position; other columns are ignored.
 */
import type { ParquetColumn } from '../../parquet/columns.js';

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

/** Table names of the processed files: `processed/smartmeter/dt={date}/{table}.parquet`. */
export const SMARTMETER_TABLES = { readings: 'meter_readings', meterDaily: 'meter_daily' } as const;

/** Columns of the readings table: one row per kept reading (in no particular order). */
export const SMARTMETER_READING_COLUMNS: readonly ParquetColumn[] = [
  { name: 'meter_id', type: 'VARCHAR' },
  { name: 'instant', type: 'TIMESTAMPTZ' },
  { name: 'kwh', type: 'DOUBLE' },
];

/** Columns of the per-meter daily metrics table: one row per meter with at least one reading. */
export const SMARTMETER_METER_DAILY_COLUMNS: readonly ParquetColumn[] = [
  { name: 'meter_id', type: 'VARCHAR' },
  { name: 'readings', type: 'BIGINT' },
  { name: 'intervals', type: 'BIGINT' },
  { name: 'missing_intervals', type: 'BIGINT' },
  { name: 'duplicate_readings', type: 'BIGINT' },
  { name: 'total_kwh', type: 'DOUBLE' },
  { name: 'peak_kwh', type: 'DOUBLE' },
  { name: 'peak_at', type: 'TIMESTAMPTZ' },
];
