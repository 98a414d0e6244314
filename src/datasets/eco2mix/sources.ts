/**
 * Where eCO2mix national data comes from: the two ODRÉ (Opendatasoft Explore API v2.1) datasets,
 * fetched as one CSV export per Paris day.
 */
import { parisDayBounds } from '../../workflow-safe/partition.js';

export type Eco2mixSource = 'realtime' | 'consolidated';

/** The datasets read for a day, in download order. Consolidated rows win when both cover an instant. */
export const ECO2MIX_SOURCES = [
  { source: 'realtime', datasetId: 'eco2mix-national-tr' },
  { source: 'consolidated', datasetId: 'eco2mix-national-cons-def' },
] as const satisfies readonly { source: Eco2mixSource; datasetId: string }[];

/** The source a day's raw file came from; throws RangeError for a name that is not one. */
export function eco2mixSourceOf(source: string): Eco2mixSource {
  const known = ECO2MIX_SOURCES.find((s) => s.source === source);
  if (!known) throw new RangeError(`eco2mix has no source "${source}"`);
  return known.source;
}

/** `2025-08-21T22:00:00Z`: the instant written the way ODSQL datetime literals are. */
function odsqlInstant(instant: Date): string {
  return instant.toISOString().replace('.000Z', 'Z');
}

/**
 * URL of the CSV export of one dataset for one Paris day: machine column names, `;`, instants in UTC,
 * ordered by instant, filtered to `[D 00:00 Paris, D+1 00:00 Paris)` expressed as UTC bounds.
 */
export function eco2mixExportUrl(baseUrl: string, datasetId: string, date: string): string {
  const { start, end } = parisDayBounds(date);
  const where = `date_heure >= '${odsqlInstant(start)}' AND date_heure < '${odsqlInstant(end)}'`;
  const query = new URLSearchParams({
    where,
    order_by: 'date_heure',
    timezone: 'UTC',
    delimiter: ';',
    use_labels: 'false',
  });
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/api/explore/v2.1/catalog/datasets/${encodeURIComponent(datasetId)}/exports/csv?${query.toString()}`;
}
