/**
 * What the portal's live traffic dataset holds: its first and last `t_1h`, asked of the Explore
 * API's records endpoint with aggregates beside each day's export. The live dataset is a rolling
 * ~14 months; older years are in `comptages-routiers-permanents-historique`, which courant does not
 * read. A day without a counted hour has no data (NoData) when it lies outside that range, and is
 * bad data (BadData) when the portal says it holds the day.
 */
import { z } from 'zod';
import { BadDataError, NoDataError } from '../../workflow-safe/errors.js';
import { parisDateOf, parisDayBounds } from '../../workflow-safe/partition.js';
import { TRAFFIC_DATASET_ID } from './source.js';

/** The day's input holding the live dataset's range (`raw/cityflow-traffic/dt={date}/range.json`). */
export const RANGE_SOURCE = 'range';
export const TRAFFIC_HISTORY_DATASET_ID = 'comptages-routiers-permanents-historique';

/** The first and last hour ends (`t_1h`) of the live dataset; null when it holds none. */
export type LiveRange = { readonly first: Date; readonly last: Date } | null;

/** The records URL asking for the live dataset's first and last `t_1h`, in UTC. */
export function liveRangeUrl(baseUrl: string): string {
  const query = new URLSearchParams({ select: 'min(t_1h) as first,max(t_1h) as last', limit: '1', timezone: 'UTC' });
  return `${baseUrl.replace(/\/+$/, '')}/api/explore/v2.1/catalog/datasets/${TRAFFIC_DATASET_ID}/records?${query.toString()}`;
}

const instant = z.string().refine((text) => !Number.isNaN(Date.parse(text)), { message: 'not a date with its offset' });
const answer = z.object({
  total_count: z.number().int().nonnegative(),
  results: z.array(z.object({ first: instant.nullable(), last: instant.nullable() })).max(1),
});

/** The range an answer of the records endpoint states; a BadDataError naming `file` when it is not one. */
export function parseLiveRange(body: Uint8Array, file: string): LiveRange {
  const text = new TextDecoder().decode(body).replace(/^\uFEFF/, '');
  if (/^\s*</.test(text)) throw new BadDataError({ file }, 'the source answered a page, not the JSON of its records');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BadDataError({ file }, 'the range of the live dataset is not JSON', { cause: error });
  }
  const parsed = answer.safeParse(json);
  if (!parsed.success)
    throw new BadDataError(
      { file },
      `not the range of the live dataset (${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')})`,
    );
  const { first, last } = parsed.data.results[0] ?? { first: null, last: null };
  return first === null || last === null ? null : { first: new Date(first), last: new Date(last) };
}

/** Whether the range holds an hour of Paris day `date` (an hour ending in (D 00:00, D+1 00:00]). */
export function holdsDay(range: LiveRange, date: string): boolean {
  const { start, end } = parisDayBounds(date);
  return range !== null && range.first <= end && range.last > start;
}

/** The Paris days of the range's first and last hours (each hour's day is that of its start). */
function describe(range: NonNullable<LiveRange>): string {
  const day = (hourEnd: Date) => parisDateOf(new Date(hourEnd.getTime() - 3_600_000));
  return `${day(range.first)}..${day(range.last)}`;
}

/**
 * Why a day has no counted hour: NoData when the live dataset ended before it began (older days
 * are in the historical archive, never read), BadData when the live dataset holds the day — or
 * has not reached it yet (not published when asked: it may come, so it is not "no data").
 */
export function noCountedHour(date: string, range: LiveRange, file: string, counts: string): Error {
  const live = `the portal's live dataset ${TRAFFIC_DATASET_ID}`;
  if (range === null) return new NoDataError(`no counted hour of ${date} (${counts}): ${live} holds no hour at all`);
  if (holdsDay(range, date))
    return new BadDataError(
      { file },
      `no counted hour of ${date} (${counts}), though ${live} holds ${describe(range)}, which includes it`,
    );
  if (range.last.getTime() <= parisDayBounds(date).start.getTime())
    return new BadDataError(
      { file },
      `no counted hour of ${date} (${counts}): ${live} holds ${describe(range)} and had not published ${date} when it was asked`,
    );
  return new NoDataError(
    `no counted hour of ${date} (${counts}): ${live} holds ${describe(range)} and ${date} is before it: ` +
      `older days are in ${TRAFFIC_HISTORY_DATASET_ID}, which courant does not read`,
  );
}
