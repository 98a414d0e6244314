/**
 * Enedis numbers its deliveries: every archive name carries a sequence number (five digits,
 * 00001 → 99999) that rises by one per delivery within its series — per subscription for R151, per
 * (contract, DIR) for C15 and R15. A number missing between two delivered ones is a missed delivery.
 * An R151 delivery may be split across several zips, named `…_{part}_{parts}_…` (`00001_00002`:
 * the first of two); a part missing from a delivered number is missed too.
 *
 * The names (as Enedis writes them, the `.zip` or `.xml` extension aside):
 *
 * - R151: `{sender}_R151_{EIC}_{GRD}_{subscription}_{number}_{frequency}_{part}_{parts}_{YYYYMMDDhhmmss}`
 * - C15, R15: `{sender}_{flow}_{EIC}_{contract}_{DIR}_{number}_{YYYYMMDDhhmmss}`
 *
 * A name of any other shape is not tracked. A number delivered again (a re-delivery) is not a gap.
 * Series are ordered by the time in their names: a number lower than the one before it starts the
 * series again (Enedis restarts a numbering, or it wraps after 99999), and no gap is counted across
 * such a restart. A gap is noticed on the day of the first delivery after it.
 */
import { z } from 'zod';

/** A delivery's place in its series, read from its name. */
export interface DeliveryNumber {
  /** e.g. `R151 108529521` (flow and subscription), `C15 GRD-F139 0327` (flow, contract, DIR). */
  readonly series: string;
  readonly number: number;
  /** R151: which zip of the delivery this is, and of how many; null for other flows. */
  readonly part: number | null;
  readonly parts: number | null;
  /** The `YYYYMMDDhhmmss` the name ends with. */
  readonly stamp: string;
}

/** A delivery recorded on a day (the day whose files it was among). */
export interface Delivery extends DeliveryNumber {
  readonly date: string;
  /** The delivered file's name. */
  readonly name: string;
}

/** Numbers, or parts of a number, missing from a series. */
export interface MissedDelivery {
  readonly series: string;
  /** The first and last missing number of a run of missing numbers (equal for one). */
  readonly from: number;
  readonly to: number;
  /** For a missing part of a delivered R151 number: which part, of how many; else null. */
  readonly part: number | null;
  readonly parts: number | null;
  /** The number delivered before the gap (null for a missing part) and the one after it. */
  readonly after: number | null;
  readonly before: number;
  /** The day the delivery after the gap was recorded: when the gap became known. */
  readonly noticed: string;
}

const R151_NAME = /^[^_]+_R151_[^_]+_[^_]+_([^_]+)_(\d{5})_[^_]+_(\d{5})_(\d{5})_(\d{14})$/;
const INDEX_FLOW_NAME = /^[^_]+_(C15|R15)_[^_]+_([^_]+)_([^_]+)_(\d{5})_(\d{14})$/;

/** The delivery number in a file's name, or null when the name carries none. */
export function deliveryNumberOf(fileName: string): DeliveryNumber | null {
  const base = (fileName.split(/[\\/]/).pop() ?? '').replace(/\.(zip|xml)$/i, '');
  const r151 = R151_NAME.exec(base);
  if (r151) {
    const [, subscription, number, part, parts, stamp] = r151;
    return {
      series: `R151 ${subscription}`,
      number: Number(number),
      part: Number(part),
      parts: Number(parts),
      stamp: stamp ?? '',
    };
  }
  const other = INDEX_FLOW_NAME.exec(base);
  if (other) {
    const [, flow, contract, dir, number, stamp] = other;
    return {
      series: `${flow} ${contract} ${dir}`,
      number: Number(number),
      part: null,
      parts: null,
      stamp: stamp ?? '',
    };
  }
  return null;
}

/** A delivery number as Enedis writes it: five digits. */
export const sequenceText = (n: number): string => String(n).padStart(5, '0');

/** One missed delivery in words, e.g. `R151 108529521: 00003–00004 (between 00002 and 00005)`. */
export function describeMissed(m: MissedDelivery): string {
  if (m.part !== null) return `${m.series}: ${sequenceText(m.from)} part ${m.part} of ${m.parts ?? '?'}`;
  const numbers = m.from === m.to ? sequenceText(m.from) : `${sequenceText(m.from)}–${sequenceText(m.to)}`;
  return `${m.series}: ${numbers} (between ${sequenceText(m.after ?? m.from - 1)} and ${sequenceText(m.before)})`;
}

interface Seen {
  readonly number: number;
  readonly stamp: string;
  readonly noticed: string;
  readonly parts: number | null;
  readonly partsSeen: Set<number>;
}

/** Per series, each number once: its earliest stamp and day, and the parts delivered of it. */
function seenBySeries(deliveries: readonly Delivery[]): Map<string, Map<number, Seen>> {
  const series = new Map<string, Map<number, Seen>>();
  for (const d of deliveries) {
    const numbers = series.get(d.series) ?? new Map<number, Seen>();
    series.set(d.series, numbers);
    const known = numbers.get(d.number);
    const earlier = !known || d.stamp < known.stamp || (d.stamp === known.stamp && d.date < known.noticed);
    const partsSeen = known?.partsSeen ?? new Set<number>();
    if (d.part !== null) partsSeen.add(d.part);
    numbers.set(d.number, {
      number: d.number,
      stamp: earlier ? d.stamp : (known?.stamp ?? d.stamp),
      noticed: earlier ? d.date : (known?.noticed ?? d.date),
      parts: d.parts ?? known?.parts ?? null,
      partsSeen,
    });
  }
  return series;
}

/**
 * The missed deliveries among `deliveries`: per series, the numbers missing between two delivered
 * ones (in the order of their stamps, a restart excepted) and the parts missing from a delivered
 * R151 number. Ordered by series, then number.
 */
export function missedDeliveries(deliveries: readonly Delivery[]): MissedDelivery[] {
  const missed: MissedDelivery[] = [];
  const bySeries = [...seenBySeries(deliveries)].sort(([a], [b]) => a.localeCompare(b));
  for (const [series, numbers] of bySeries) {
    const ordered = [...numbers.values()].sort((a, b) => a.stamp.localeCompare(b.stamp) || a.number - b.number);
    const gaps: MissedDelivery[] = [];
    ordered.forEach((seen, i) => {
      const previous = ordered[i - 1];
      if (previous && seen.number - previous.number > 1) {
        gaps.push({
          series,
          from: previous.number + 1,
          to: seen.number - 1,
          part: null,
          parts: null,
          after: previous.number,
          before: seen.number,
          noticed: seen.noticed,
        });
      }
      for (let part = 1; seen.parts !== null && part <= seen.parts; part += 1) {
        if (!seen.partsSeen.has(part)) {
          gaps.push({
            series,
            from: seen.number,
            to: seen.number,
            part,
            parts: seen.parts,
            after: null,
            before: seen.number,
            noticed: seen.noticed,
          });
        }
      }
    });
    missed.push(...gaps.sort((a, b) => a.from - b.from || (a.part ?? 0) - (b.part ?? 0)));
  }
  return missed;
}

/** `missedDeliveries` of a day's metrics document. */
export const missedDeliveriesSchema = z.array(
  z.object({
    series: z.string(),
    from: z.number().int(),
    to: z.number().int(),
    part: z.number().int().nullable(),
    parts: z.number().int().nullable(),
    after: z.number().int().nullable(),
    before: z.number().int(),
    noticed: z.string(),
  }),
);
