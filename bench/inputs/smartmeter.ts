/**
 * Deterministic smart-meter day files: `meter_id,timestamp,kwh`, one reading per meter and
 * half-hour of one Paris day, grouped by meter, timestamps in UTC. Like real feeds, about 0.3 % of
 * readings are missing, 0.05 % are sent twice and 1 in 10 000 rows is wrong in one of six ways
 * (negative, NaN, empty kWh; unreadable, offset-less or off-grid timestamp), so every tool keeps and
 * rejects the same rows.
 */
import { parisDayBounds } from '../../src/workflow-safe/partition.js';
import { seededRandom } from '../lib/random.js';
import { cachedInput, TextSink } from './files.js';

/** The day of every smart-meter input: a 24-hour Paris day. */
export const SMARTMETER_DATE = '2024-03-14';
const GENERATOR_VERSION = 1;

function halfHours(date: string): string[] {
  const { start, end } = parisDayBounds(date);
  const out: string[] = [];
  for (let at = start.getTime(); at < end.getTime(); at += 1_800_000)
    out.push(new Date(at).toISOString().replace('.000Z', 'Z'));
  return out;
}

function badRow(kind: number, meter: string, stamp: string): string {
  switch (kind % 6) {
    case 0:
      return `${meter},${stamp},-0.250`;
    case 1:
      return `${meter},${stamp},NaN`;
    case 2:
      return `${meter},${stamp},`;
    case 3:
      return `${meter},n/a,0.500`;
    case 4:
      return `${meter},${stamp.replace('Z', '')},0.500`;
    default:
      return `${meter},${stamp.replace(':00Z', ':07Z')},0.500`;
  }
}

async function writeSmartMeterFile(rows: number, file: string): Promise<void> {
  const random = seededRandom(20240314 + rows);
  const stamps = halfHours(SMARTMETER_DATE);
  const shape = stamps.map((_, i) => 0.6 + 0.4 * Math.sin(((i - 14) / stamps.length) * 2 * Math.PI));
  const sink = new TextSink(file);
  await sink.write('meter_id,timestamp,kwh\n');
  let written = 0;
  let bad = 0;
  for (let m = 0; written < rows; m += 1) {
    const meter = String(30_000_000_000_000 + m * 7);
    const base = 0.05 + random() * 0.55;
    for (let i = 0; i < stamps.length && written < rows; i += 1) {
      const stamp = stamps[i] ?? '';
      const r = random();
      if (r < 0.003) continue;
      if (r > 0.9999) {
        await sink.write(`${badRow(bad, meter, stamp)}\n`);
        bad += 1;
        written += 1;
        continue;
      }
      const line = `${meter},${stamp},${(base * (shape[i] ?? 1) * (0.8 + 0.4 * random())).toFixed(3)}\n`;
      await sink.write(line);
      written += 1;
      if (r < 0.0035 && written < rows) {
        await sink.write(line);
        written += 1;
      }
    }
  }
  await sink.close();
}

/** The smart-meter input of `rows` data lines (generated once, then reused). */
export function smartMeterInput(rows: number): Promise<string> {
  return cachedInput(`smartmeter-${rows}-v${GENERATOR_VERSION}.csv`, (file) => writeSmartMeterFile(rows, file));
}
