/**
 * A synthetic Vélib' day for the bench: one status snapshot per slot of the Paris day, each holding
 * every station of the real sample (`src/datasets/cityflow-velib/demo/samples/`, 1 495 stations, its layout kept: both
 * spellings of the counters, the array of counts by type, the 0/1 flags), their bikes moved by a
 * seeded random walk within the docks; and the real station list. Same seed, same bytes.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DayFile } from '../../src/datasets/inputs.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { daySlots } from '../../src/workflow-safe/slots.js';
import { seededRandom, seedOf } from '../lib/random.js';

const SAMPLES = path.join(PROJECT_ROOT, 'src', 'datasets', 'cityflow-velib', 'demo', 'samples');
const STATUS_SAMPLE = path.join(SAMPLES, 'dariusbengo_velib_gbfs_station_status.json');
const INFORMATION_SAMPLE = path.join(SAMPLES, 'dariusbengo_velib_gbfs_station_information.json');

interface Station {
  readonly num_bikes_available_types: ReadonlyArray<Record<string, number>>;
  readonly num_bikes_available: number;
  readonly num_docks_available: number;
  readonly [field: string]: unknown;
}

const countOf = (types: Station['num_bikes_available_types'], type: string) =>
  types.reduce((n, t) => n + (t[type] ?? 0), 0);

/** Writes the day's snapshots under `dir` as the collector stores them; returns them as the transform gets them. */
export async function velibDay(dir: string, date: string, slotMinutes: number): Promise<DayFile[]> {
  const sample = JSON.parse(await readFile(STATUS_SAMPLE, 'utf8')) as { data: { stations: Station[] } };
  const random = seededRandom(seedOf(`velib ${date}`));
  const state = sample.data.stations.map((s) => ({
    mechanical: countOf(s.num_bikes_available_types, 'mechanical'),
    ebike: countOf(s.num_bikes_available_types, 'ebike'),
    places: s.num_bikes_available + s.num_docks_available,
  }));
  const files: DayFile[] = [];
  const write = async (source: string, slot: (typeof slots)[number], body: string) => {
    await mkdir(path.join(dir, source), { recursive: true });
    const file = path.join(dir, source, `${slot.name}.json`);
    await writeFile(file, body);
    files.push({
      source,
      key: `raw/cityflow-velib/dt=${date}/${source}/${slot.name}.json`,
      path: file,
      sha256: 'bench',
      order: files.length,
      options: {},
      snapshot: { slot, takenAt: new Date(slot.start.getTime() + 20_000) },
    });
  };
  const slots = daySlots(date, slotMinutes);
  const first = slots[0];
  if (first !== undefined) await write('velib-stations', first, await readFile(INFORMATION_SAMPLE, 'utf8'));
  for (const slot of slots) {
    const stations = sample.data.stations.map((station, i) => {
      const s = state[i] ?? { mechanical: 0, ebike: 0, places: 0 };
      const step = () => Math.round((random() - 0.5) * 4);
      s.mechanical = Math.max(0, Math.min(s.places, s.mechanical + step()));
      s.ebike = Math.max(0, Math.min(s.places - s.mechanical, s.ebike + step()));
      const bikes = s.mechanical + s.ebike;
      const docks = s.places - bikes;
      return {
        ...station,
        num_bikes_available: bikes,
        numBikesAvailable: bikes,
        num_bikes_available_types: [{ mechanical: s.mechanical }, { ebike: s.ebike }],
        num_docks_available: docks,
        numDocksAvailable: docks,
        last_reported: Math.floor(slot.start.getTime() / 1000) + Math.floor(random() * slotMinutes * 60),
      };
    });
    const body = JSON.stringify({ lastUpdatedOther: slot.start.getTime() / 1000, ttl: 3600, data: { stations } });
    await write('velib', slot, body);
  }
  return files;
}
