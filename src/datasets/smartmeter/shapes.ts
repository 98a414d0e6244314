/**
 * The shapes of smart-meter files courant reads, recognised by their header line. Each shape says
 * how to split a row and how to get a reading out of its fields, as SQL over the fields `c0`, `c1`,
 * … (text, trimmed): the meter, the instant, the kWh, and the label some shapes carry.
 *
 * - `generic`: `meter_id,timestamp,kwh` (a few spellings of each, any order, other columns
 *   ignored; `,`, `;` or tab). Timestamps with an offset are instants; without, Paris local time.
 * - `kaggle-ziya07`: `Timestamp,Electricity_Consumed,…,Anomaly_Label`: one meter per file, values
 *   min-max scaled (kept as they are), naive timestamps in **UTC** (the file holds 2024-03-31
 *   02:00, which does not exist in Paris), 30 minutes; the label is kept.
 * - `uci-household`: `Date;Time;Global_active_power;…`: one meter per file, `D/M/YYYY` + `HH:MM:SS`
 *   in Paris local time, minute means of the power in kW → kWh = kW / 60, `?` for missing.
 * - `london-lcl`: `LCLid,stdorToU,DateTime,KWH/hh (per half hour) `: half-hours, space-padded
 *   values, `Null` for missing; its naive timestamps are read as UTC (its publisher's clock for the
 *   London trial; courant does not guess a London offset).
 */
import { BadDataError } from '../../workflow-safe/errors.js';
import { parseSmartMeterHeader, type SmartMeterDelimiter } from './header.js';

export type TimeBasis = 'offset-or-paris' | 'utc' | 'paris';

export interface SmartMeterShape {
  readonly name: 'generic' | 'kaggle-ziya07' | 'uci-household' | 'london-lcl';
  readonly delimiter: SmartMeterDelimiter;
  /** Fields of the header: every row must have as many. */
  readonly width: number;
  /** Minutes between readings of a meter. */
  readonly stepMinutes: number;
  /** SQL: the meter id's text, or null when the file is one meter's (the claim names it). */
  readonly meter: string | null;
  /** SQL: the timestamp's text. */
  readonly timestamp: string;
  /** How the timestamp's text becomes an instant. */
  readonly time: TimeBasis;
  /** strptime format of the timestamp's text, when it is not ISO-like. */
  readonly timeFormat?: string;
  /** SQL: the energy's text. */
  readonly energy: string;
  /** The energy is a mean power in kW over the step, not kWh: kWh = kW × step / 60. */
  readonly energyIsPowerKW: boolean;
  /** Texts that stand for a missing value. */
  readonly missing: readonly string[];
  /** SQL: a label kept with each reading (e.g. an anomaly ground truth), or null. */
  readonly label: string | null;
}

const KNOWN = [
  'meter_id,timestamp,kwh (generic)',
  'Timestamp,Electricity_Consumed,…,Anomaly_Label (Kaggle smart meter dataset)',
  'Date;Time;Global_active_power;… (UCI household power consumption)',
  'LCLid,stdorToU,DateTime,KWH/hh (per half hour) (London LCL)',
];

function labels(line: string, delimiter: string): string[] {
  return line.split(delimiter).map((label) => label.trim().replace(/^"(.*)"$/, '$1'));
}

function field(index: number): string {
  return `c${index}`;
}

/** The shape of a file from its header line (BOM and line end removed); throws BadDataError on line 1. */
export function recogniseShape(line: string, file: string, genericStepMinutes: number): SmartMeterShape {
  const comma = labels(line, ',');
  const semicolon = labels(line, ';');
  if (comma[0] === 'Timestamp' && comma[1] === 'Electricity_Consumed') {
    const label = comma.indexOf('Anomaly_Label');
    return {
      name: 'kaggle-ziya07',
      delimiter: ',',
      width: comma.length,
      stepMinutes: 30,
      meter: null,
      timestamp: field(0),
      time: 'utc',
      energy: field(1),
      energyIsPowerKW: false,
      missing: [''],
      label: label >= 0 ? field(label) : null,
    };
  }
  if (semicolon[0] === 'Date' && semicolon[1] === 'Time' && semicolon[2] === 'Global_active_power') {
    return {
      name: 'uci-household',
      delimiter: ';',
      width: semicolon.length,
      stepMinutes: 1,
      meter: null,
      timestamp: `${field(0)} || ' ' || ${field(1)}`,
      time: 'paris',
      timeFormat: '%d/%m/%Y %H:%M:%S',
      energy: field(2),
      energyIsPowerKW: true,
      missing: ['', '?'],
      label: null,
    };
  }
  if (comma[0] === 'LCLid' && comma[2] === 'DateTime' && comma[3]?.startsWith('KWH/hh')) {
    return {
      name: 'london-lcl',
      delimiter: ',',
      width: comma.length,
      stepMinutes: 30,
      meter: field(0),
      timestamp: field(2),
      time: 'utc',
      energy: field(3),
      energyIsPowerKW: false,
      missing: ['', 'Null'],
      label: null,
    };
  }
  let generic;
  try {
    generic = parseSmartMeterHeader(line, file);
  } catch (error) {
    if (!(error instanceof BadDataError)) throw error;
    throw new BadDataError(
      error.location,
      `${error.message.replace(/^.*?: /, '')}; the shapes courant reads are: ${KNOWN.join('; ')}`,
      { cause: error },
    );
  }
  return {
    name: 'generic',
    delimiter: generic.delimiter,
    width: generic.width,
    stepMinutes: genericStepMinutes,
    meter: field(generic.indexOf.meter_id),
    timestamp: field(generic.indexOf.timestamp),
    time: 'offset-or-paris',
    energy: field(generic.indexOf.kwh),
    energyIsPowerKW: false,
    missing: [''],
    label: null,
  };
}
