/**
 * Missed deliveries in `courant status`: the numbered deliveries that the days shown recorded in
 * their metrics documents (`deliveries`), put together, and each gap noted on the day it became
 * known (the day of the first delivery after it). Only the days shown are read: a gap whose two
 * ends are not both among them is not seen.
 */
import type { DayDocument, StatusNote } from '../capabilities/status-notes.js';
import { describeMissed, missedDeliveries, type Delivery } from './deliveries.js';
import { enedisMetricsSchema } from './metrics-schema.js';

/** The deliveries a day's document lists; none for documents written before they were recorded. */
function deliveriesOf(day: DayDocument): Delivery[] {
  if (day.metrics.deliveries === undefined) return [];
  return enedisMetricsSchema.shape.deliveries.parse(day.metrics.deliveries).map((d) => ({ ...d, date: day.date }));
}

export function enedisStatusNotes(days: readonly DayDocument[]): StatusNote[] {
  return missedDeliveries(days.flatMap(deliveriesOf)).map((m) => ({
    date: m.noticed,
    note: `missed delivery ${describeMissed(m)}`,
  }));
}
