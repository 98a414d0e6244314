/**
 * RTE's downloadable eCO2mix files (`eCO2mix_RTE_En-cours-TR.zip`, `…_En-cours-Consolide.zip`,
 * `…_Annuel-Definitif_YYYY.zip`, or the `.xls` inside) as `courant import` reads them: the days
 * they cover and, per day and source, the rows written the way the ODRÉ export API serves them;
 * every line of the file accounted for (kept, rejected with its line and reason, or skipped) in
 * the headline and the manifest, and a day's rejected lines in the facts of its raw files. Loaded
 * when a file is opened (`file-import.ts`).
 */
import type { ImportedFile } from '../capabilities/file-import.js';
import { describeSkipped } from './accounting.js';
import { rteDayExport, rteDaySources } from './rte/export.js';
import { coveredDays, parseRteFile, type RteFile } from './rte/file.js';

function isSource(source: string): source is 'realtime' | 'consolidated' {
  return source === 'realtime' || source === 'consolidated';
}

function sourcesOf(file: RteFile, days: readonly string[]): string[] {
  return [...new Set(days.flatMap((d) => rteDaySources(file, d)))];
}

function imported(file: RteFile): ImportedFile {
  const { accounting } = file;
  const rowsRead = accounting.kept + accounting.rejected;
  return {
    name: file.name,
    days: coveredDays(file),
    headline: (days) =>
      `${file.name}${file.entry ? ` (${file.entry})` : ''}: ${accounting.read} lines, ${describeSkipped(accounting)}, ` +
      `${rowsRead} rows, ${accounting.rejected} rejected, ${sourcesOf(file, days).join(' + ') || 'no'} data`,
    rejects: file.rejects.slice(0, 5),
    manifest: (days, skipped) => ({
      file: file.name,
      entry: file.entry,
      encoding: file.encoding,
      columns: file.columns,
      ignoredColumns: file.ignoredColumns,
      rowsRead,
      rejected: accounting.rejected,
      accounting,
      rejects: file.rejects.slice(0, 100),
      sources: sourcesOf(file, days),
      days,
      skipped,
    }),
    dayFile(date, source) {
      const exported = isSource(source) ? rteDayExport(file, date, source) : null;
      if (!exported) return null;
      const rejects = file.days.get(date)?.rejects ?? [];
      return {
        body: new TextEncoder().encode(exported.csv),
        facts: { entry: file.entry, lines: exported.lines, rows: exported.rows, rejected: rejects.length, rejects },
      };
    },
  };
}

/** Reads a whole RTE file; throws BadDataError saying why it is not one. */
export function openRteFile(body: Uint8Array, fileName: string): ImportedFile {
  return imported(parseRteFile(body, fileName));
}
