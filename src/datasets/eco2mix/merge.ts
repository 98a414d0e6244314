/** Combining the real-time and consolidated records of one Paris day into one series. */
import { parisDayBounds } from '../../shared/partition.js';
import type { Eco2mixRecord } from './record.js';

/**
 * Whether `candidate` should replace `current` for the same instant. Consolidated wins over real
 * time, except that a consolidated row without consumption never replaces a real-time row with one:
 * consolidated exports hold only the two forecasts on :15 and :45, while real-time rows there carry
 * real values. Between two records of the same source, the later one wins.
 */
function replaces(candidate: Eco2mixRecord, current: Eco2mixRecord): boolean {
  if (candidate.source === current.source) return true;
  if (candidate.source === 'consolidated') {
    return candidate.consommation !== null || current.consommation === null;
  }
  return candidate.consommation !== null && current.consommation === null;
}

/**
 * The day's series: records inside `[D 00:00, D+1 00:00)` Europe/Paris, one per instant
 * (consolidated over real time, see `replaces`), sorted by instant.
 */
export function mergeEco2mixSources(records: Eco2mixRecord[], date: string): Eco2mixRecord[] {
  const { start, end } = parisDayBounds(date);
  const first = start.getTime();
  const last = end.getTime();
  const byInstant = new Map<number, Eco2mixRecord>();
  for (const record of records) {
    const at = Date.parse(record.instant);
    if (!(at >= first && at < last)) continue;
    const current = byInstant.get(at);
    if (current === undefined || replaces(record, current)) byInstant.set(at, record);
  }
  return [...byInstant.entries()].sort(([a], [b]) => a - b).map(([, record]) => record);
}
