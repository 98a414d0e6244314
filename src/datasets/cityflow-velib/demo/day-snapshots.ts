/**
 * The Vélib' demo's day: the real GBFS answers shipped in `samples/` (provenance in PROVENANCE.md
 * there, taken 2025-10-18), turned into one status snapshot per slot of any Paris day. Each station
 * of the real answer keeps its capacity (bikes + docks) and its mechanical/electric split; an
 * installed, renting station's bikes follow a commuter's day — from 07:00 to 09:30 bikes leave half
 * of the stations for the other half, and go back from 17:00 to 20:00; a tenth are ridden at each
 * rush hour's peak — plus a bike of noise, all fixed by the station and the slot (same day, same
 * bytes). Every `last_reported` is moved by as much as the slot is from the real answer, so stale
 * stations stay stale.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Slot } from '../../../workflow-safe/slots.js';

const SAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'samples');
export const STATUS_SAMPLE = path.join(SAMPLES, 'dariusbengo_velib_gbfs_station_status.json');
export const INFORMATION_SAMPLE = path.join(SAMPLES, 'dariusbengo_velib_gbfs_station_information.json');

const station = z.looseObject({
  station_id: z.number(),
  num_bikes_available: z.number().int(),
  num_docks_available: z.number().int(),
  num_bikes_available_types: z.array(z.record(z.string(), z.number().int())),
  is_installed: z.number(),
  is_renting: z.number(),
  last_reported: z.number().int(),
});
const statusSchema = z.looseObject({
  lastUpdatedOther: z.number().int(),
  data: z.looseObject({ stations: z.array(station) }),
});

export type StatusSample = z.infer<typeof statusSchema>;
type Station = z.infer<typeof station>;

export async function loadStatusSample(): Promise<StatusSample> {
  return statusSchema.parse(JSON.parse(await readFile(STATUS_SAMPLE, 'utf8')));
}

/** A number in [0, 1) fixed by its key (FNV-1a). */
function unit(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) / 2 ** 32;
}

const rise = (hour: number, at: number, width: number) => 1 / (1 + Math.exp(-(hour - at) / width));
const bump = (hour: number, at: number, width: number) => Math.exp(-(((hour - at) / width) ** 2));

/** How far from its real level a station is at a Paris wall-clock hour: 0 at night, 1 during working hours. */
const workingDay = (hour: number) => rise(hour, 8.25, 0.5) - rise(hour, 18.5, 0.6);

/** The share of a station's bikes being ridden at a Paris wall-clock hour: a tenth at each rush hour's peak. */
const riding = (hour: number) => 0.1 * (bump(hour, 8.5, 1) + bump(hour, 18, 1.2));

function stationAt(s: Station, slot: Slot, hour: number, shiftSeconds: number): Station {
  const moved = { ...s, last_reported: s.last_reported + shiftSeconds };
  const bikes = s.num_bikes_available;
  const total = bikes + s.num_docks_available;
  if (s.is_installed !== 1 || s.is_renting !== 1 || total === 0) return moved;
  const id = String(s.station_id);
  const direction = unit(`${id}:direction`) < 0.5 ? -1 : 1;
  // As many bikes can leave a station as can arrive at one of the other half: the network keeps its bikes.
  const swing = direction * 0.5 * workingDay(hour) * Math.min(bikes, total - bikes);
  const noise = Math.floor(unit(`${id}:${slot.name}`) * 3) - 1;
  const now = Math.min(total, Math.max(0, Math.round(bikes + swing - bikes * riding(hour) + noise)));
  const electric = s.num_bikes_available_types.reduce((sum, type) => sum + (type.ebike ?? 0), 0);
  const ebike = bikes === 0 ? Math.round(now / 2) : Math.round((now * electric) / bikes);
  return {
    ...moved,
    num_bikes_available: now,
    numBikesAvailable: now,
    num_bikes_available_types: [{ mechanical: now - ebike }, { ebike }],
    num_docks_available: total - now,
    numDocksAvailable: total - now,
  };
}

/** The status answer the feed would have given in `slot`, as its single-line JSON. */
export function statusAt(sample: StatusSample, slot: Slot): Uint8Array {
  const shiftSeconds = Math.round(slot.start.getTime() / 1000) - sample.lastUpdatedOther;
  const hour = Number(slot.name.slice(0, 2)) + Number(slot.name.slice(2, 4)) / 60;
  return new TextEncoder().encode(
    JSON.stringify({
      ...sample,
      lastUpdatedOther: sample.lastUpdatedOther + shiftSeconds,
      data: { ...sample.data, stations: sample.data.stations.map((s) => stationAt(s, slot, hour, shiftSeconds)) },
    }),
  );
}
