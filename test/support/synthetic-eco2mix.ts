/**
 * Deterministic eCO2mix-shaped exports for any range of Paris days (15-minute points, DST days
 * included), for tests that need many days. Values follow a daily curve and balance
 * like real data (they pass the quality checks); they are not real data.
 */
import { apiRecordsToExportCsv } from '../../src/datasets/eco2mix/export-csv.js';
import { datesInRange, parisDayBounds } from '../../src/workflow-safe/partition.js';

const QUARTER_MS = 15 * 60_000;

function record(at: number): Record<string, unknown> {
  const hour = new Date(at).getUTCHours() + new Date(at).getUTCMinutes() / 60;
  const load = Math.round(50_000 + 8_000 * Math.sin(((hour - 6) / 24) * 2 * Math.PI));
  const solar = Math.max(0, Math.round(6_000 * Math.sin(((hour - 6) / 12) * Math.PI)));
  return {
    perimetre: 'France',
    nature: 'Données temps réel',
    date_heure: new Date(at).toISOString(),
    consommation: load,
    prevision_j1: load + 300,
    prevision_j: load + 100,
    fioul: 100,
    charbon: 0,
    gaz: 3_000,
    // Balanced like real data: production + pumping + exchanges = consumption.
    nucleaire: load - 8_600 - solar,
    eolien: 4_000,
    solaire: solar,
    hydraulique: 6_000,
    pompage: -500,
    bioenergies: 1_000,
    ech_physiques: -5_000,
    taux_co2: 25,
  };
}

/** The real-time export of every quarter-hour of the Paris days `from`..`to`. */
export function syntheticRealtimeExport(from: string, to: string): string {
  const records: Record<string, unknown>[] = [];
  for (const date of datesInRange(from, to)) {
    const { start, end } = parisDayBounds(date);
    for (let at = start.getTime(); at < end.getTime(); at += QUARTER_MS) records.push(record(at));
  }
  return apiRecordsToExportCsv(records);
}

/** An empty consolidated export (header only): the days are served by the real-time export. */
export function emptyExport(): string {
  return apiRecordsToExportCsv([]);
}

/** `date_heure >= 'start' …` of the Paris day `date`, to recognise its requests. */
export function whereStartOf(date: string): string {
  return `date_heure >= '${parisDayBounds(date).start.toISOString().replace('.000Z', 'Z')}'`;
}

/** The day's export with `column` set to `value` in the rows whose text matches `rows`. */
function doctoredExport(day: string, column: string, rows: RegExp, value: string): string {
  const [header = '', ...lines] = syntheticRealtimeExport(day, day).replace(/\r\n$/, '').split('\r\n');
  const at = header
    .replace(/^\uFEFF/, '')
    .split(';')
    .indexOf(column);
  const doctored = lines.map((line) => {
    if (!rows.test(line)) return line;
    const fields = line.split(';');
    fields[at] = value;
    return fields.join(';');
  });
  return `${[header, ...doctored].join('\r\n')}\r\n`;
}

/** The day's export with nuclear at zero from 06:00 to 06:45 UTC: production no longer meets consumption. */
export function unbalancedRealtimeExport(day: string): string {
  return doctoredExport(day, 'nucleaire', /T06:[0-4]/, '0');
}

/** The day's export with the consumption of its 12:00 UTC point unreadable: that row is rejected, the day goes on. */
export function oneRowRejectedExport(day: string): string {
  return doctoredExport(day, 'consommation', /T12:00/, 'n/a');
}
