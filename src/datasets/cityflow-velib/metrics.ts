/**
 * The Vélib' day's metrics (`metrics/cityflow-velib/dt={date}/metrics.json`), as SQL over its
 * `station_status` and `stations` tables. Each snapshot counts for its own slot's duration only; a
 * missed slot counts for nothing (never for the snapshot before or after it). Coverage: slots taken
 * / slots of the Paris day (23, 24 or 25 h of slots of the files' length) — the day's completeness.
 */
import { sqlString } from '../../duckdb/columns.js';
import { PARTITION_TIMEZONE, parisDayBounds } from '../../workflow-safe/partition.js';
import { daySlots } from '../../workflow-safe/slots.js';
import type { DayMetrics } from '../contract.js';
import type { DayMetricsContext } from '../each-day.js';
import type { VelibConfig } from './config.js';
import { STATIONS_TABLE } from './station-list.js';
import { STATUS_TABLE } from './transform.js';

/** Stations listed as the most volatile, and as never reporting. */
const LISTED = 10;

const round = (value: unknown, digits = 3) =>
  value === null || value === undefined ? null : Math.round(Number(value) * 10 ** digits) / 10 ** digits;
const whole = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const text = (value: unknown) => (typeof value === 'string' ? value : null);

const EMPTY_LIST = `(SELECT NULL::BIGINT AS station_id, NULL::VARCHAR AS station_code, NULL::VARCHAR AS name WHERE false)`;

/** See the module's doc. */
export async function velibMetrics(context: DayMetricsContext<VelibConfig>): Promise<DayMetrics> {
  const table = context.tables[STATUS_TABLE];
  if (table === undefined) throw new Error(`no ${STATUS_TABLE} table for ${context.date}`);
  const listTable = context.tables[STATIONS_TABLE];
  const status = `read_parquet(${sqlString(table)})`;
  const list = listTable === undefined ? EMPTY_LIST : `read_parquet(${sqlString(listTable)})`;
  const { start, end, hours } = parisDayBounds(context.date);
  const rows = async (sql: string) => (await context.db.runAndReadAll(sql)).getRowObjects();
  const perSlot = `SELECT slot_start, slot_end, epoch(slot_end - slot_start) / 3600 AS h,
      sum(bikes) AS bikes, sum(mechanical) AS mechanical, sum(ebike) AS ebike,
      count(*) FILTER (WHERE bikes = 0 AND installed AND renting) AS empty_n,
      count(*) FILTER (WHERE docks = 0 AND installed AND "returning") AS full_n
    FROM ${status} GROUP BY slot_start, slot_end`;
  const [s = {}] = await rows(
    `SELECT count(*) AS taken, min(epoch(slot_end - slot_start)) / 60 AS slot_minutes, sum(h) AS covered_hours,
       sum(bikes * h) AS bike_hours, sum(mechanical * h) AS mechanical_hours, sum(ebike * h) AS ebike_hours,
       sum(empty_n * h) AS empty_hours, sum(full_n * h) AS full_hours
     FROM (${perSlot})`,
  );
  const series = await rows(
    `SELECT epoch_ms(slot_start) AS at, bikes, mechanical, ebike FROM (${perSlot}) ORDER BY slot_start`,
  );
  const names = `(SELECT coalesce(l.station_id, s.station_id) AS station_id, coalesce(l.station_code, s.station_code) AS code, l.name
     FROM ${list} l FULL JOIN (SELECT station_id, any_value(station_code) AS station_code FROM ${status} GROUP BY station_id) s
       USING (station_id))`;
  const [counts = {}] = await rows(
    `SELECT (SELECT count(DISTINCT station_id) FROM ${status}) AS reporting, (SELECT count(*) FROM ${list}) AS listed`,
  );
  const never = await rows(
    `SELECT n.station_id, n.code, n.name, count(*) OVER () AS total FROM ${names} n
     WHERE n.station_id NOT IN (SELECT station_id FROM ${status}
       WHERE last_reported >= ${sqlString(start.toISOString())}::TIMESTAMPTZ AND last_reported < ${sqlString(end.toISOString())}::TIMESTAMPTZ)
     ORDER BY n.station_id LIMIT ${LISTED}`,
  );
  const volatile = await rows(
    `SELECT v.station_id, n.code, n.name, v.moves, v.snapshots FROM (
       SELECT station_id, sum(abs(bikes - previous)) AS moves, count(*) AS snapshots FROM (
         SELECT station_id, bikes, lag(bikes) OVER (PARTITION BY station_id ORDER BY slot_start) AS previous FROM ${status})
       GROUP BY station_id) v JOIN ${names} n USING (station_id)
     WHERE v.moves > 0 ORDER BY v.moves DESC, v.station_id LIMIT ${LISTED}`,
  );
  const slotMinutes = Number(s.slot_minutes);
  const expected = daySlots(context.date, slotMinutes);
  const taken = new Map(series.map((r) => [Number(r.at), r]));
  const coverage = Math.round((Number(s.taken ?? 0) / expected.length) * 1e6) / 1e6;
  const covered = Number(s.covered_hours ?? 0);
  const mean = (value: unknown) => (covered === 0 ? null : round(Number(value) / covered));
  return {
    document: {
      dataset: 'cityflow-velib',
      date: context.date,
      timezone: PARTITION_TIMEZONE,
      hours,
      slotMinutes,
      slots: {
        expected: expected.length,
        taken: Number(s.taken ?? 0),
        missed: expected.filter((slot) => !taken.has(slot.start.getTime())).map((slot) => slot.name),
      },
      coverage,
      coveredHours: round(covered),
      stations: {
        reporting: Number(counts.reporting ?? 0),
        listed: Number(counts.listed ?? 0),
        neverReporting: Number(never[0]?.total ?? 0),
        neverReportingFirst: never.map((r) => ({
          stationId: Number(r.station_id),
          code: text(r.code),
          name: text(r.name),
        })),
      },
      bikesAvailable: {
        total: mean(s.bike_hours),
        mechanical: mean(s.mechanical_hours),
        electric: mean(s.ebike_hours),
      },
      bikeHours: { total: round(s.bike_hours), mechanical: round(s.mechanical_hours), electric: round(s.ebike_hours) },
      stationHours: { empty: round(s.empty_hours), full: round(s.full_hours) },
      mostVolatile: volatile.map((r) => ({
        stationId: Number(r.station_id),
        code: text(r.code),
        name: text(r.name),
        moves: Number(r.moves),
        snapshots: Number(r.snapshots),
      })),
      series: expected.map((slot) => {
        const row = taken.get(slot.start.getTime());
        return {
          slot: slot.name,
          at: slot.start.toISOString(),
          bikes: whole(row?.bikes),
          mechanical: whole(row?.mechanical),
          electric: whole(row?.ebike),
        };
      }),
      completeness: coverage,
    },
    completeness: coverage,
  };
}
