/**
 * Where Vélib' comes from: the Vélib' Métropole GBFS feed, `station_status.json` (bikes and docks
 * per station, updated about every minute) and `station_information.json` (the station list). The
 * feed has no history: it only ever answers the current state, so a day exists only as the
 * snapshots the collector took during it. `ttl` says 3600 and is not what the collector follows.
 */
import { z } from 'zod';
import { BadDataError } from '../../workflow-safe/errors.js';
import type { SnapshotSource } from '../capabilities/snapshots.js';
import type { VelibConfig } from './config.js';

/** The snapshot sources: the status in every slot, the station list once a day. */
export const STATUS_SOURCE = 'velib';
export const STATIONS_SOURCE = 'velib-stations';

const feedUrl = (config: VelibConfig, file: string) => `${config.baseUrl.replace(/\/+$/, '')}/${file}`;

/** What a body must be to be kept: JSON with a `data.stations` array (its stations are judged by the transform). */
const gbfsBody = z.object({ data: z.object({ stations: z.array(z.unknown()) }) });

/** Refuses (BadDataError naming the file) a body that is not JSON or has no `data.stations` array. */
export function checkGbfsBody(body: Uint8Array, file: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch (error) {
    throw new BadDataError({ file }, 'the feed answered something other than JSON', { cause: error });
  }
  if (!gbfsBody.safeParse(parsed).success)
    throw new BadDataError(
      { file, column: 'data.stations' },
      'the answer has no data.stations array (not a GBFS feed)',
    );
}

export const velibSources: readonly SnapshotSource<VelibConfig>[] = [
  {
    source: STATUS_SOURCE,
    extension: 'json',
    every: 'slot',
    url: (config) => feedUrl(config, 'station_status.json'),
    check: checkGbfsBody,
  },
  {
    source: STATIONS_SOURCE,
    extension: 'json',
    every: 'day',
    url: (config) => feedUrl(config, 'station_information.json'),
    check: checkGbfsBody,
  },
];
