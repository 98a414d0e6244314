/**
 * The Vélib' day: the status snapshots taken in the day's slots → `station_status.parquet`, one row
 * per (slot, station) with the slot's bounds, the bikes (mechanical, electric) and docks available,
 * the flags and `last_reported`; the day's latest station list → `stations.parquet`; the stations
 * that cannot be read → rejects (file, station position, column, value, reason). DuckDB reads the
 * JSON itself. Each snapshot stands for its own slot only: a slot not taken has no row, and nothing
 * taken at another time fills it. A day without any status snapshot was never collected, and the
 * feed keeps no history: NoDataError.
 */
import { copyToParquetSql } from '../../duckdb/copy.js';
import { copyJsonLines } from '../../duckdb/json-lines.js';
import { BadDataError, NoDataError } from '../../workflow-safe/errors.js';
import { parisDayBounds } from '../../workflow-safe/partition.js';
import type { TransformOutput } from '../contract.js';
import type { DayFile } from '../inputs.js';
import type { DayTransformContext } from '../each-day.js';
import type { VelibConfig } from './config.js';
import { readSnapshots, type SnapshotFile } from './documents.js';
import { STATIONS_SOURCE, STATUS_SOURCE } from './source.js';
import { LIST_ROWS, STATIONS_TABLE, latestList, writeStationList } from './station-list.js';
import { STATUS_FIELDS, STATUS_ROWS, statusRowsSql } from './status-rows.js';

export const STATUS_TABLE = 'station_status';

const STATUS_DOCS = 'v_status_docs';

/** The day's snapshots of `source`, each with its slot; BadDataError for one without a slot in the day. */
function snapshotsOf(files: readonly DayFile[], source: string, date: string): SnapshotFile[] {
  const { start, end } = parisDayBounds(date);
  return files
    .filter((file) => file.source === source)
    .map((file) => {
      const slot = file.snapshot?.slot;
      if (file.snapshot === undefined || slot === undefined)
        throw new BadDataError({ file: file.key }, 'the snapshot has no slot recorded (its .meta.json has no slot)');
      if (slot.start < start || slot.end > end)
        throw new BadDataError({ file: file.key }, `the snapshot's slot ${slot.name} is not within ${date}`);
      return { file, slot, takenAt: file.snapshot.takenAt };
    });
}

async function count(context: DayTransformContext<VelibConfig>, sql: string): Promise<number> {
  return Number((await context.db.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
}

const rejectSql = (table: string, order: string) =>
  `SELECT json_object('file', file, 'station', station, 'column', bad_column, 'value', bad_value, 'reason', reason) AS line, ${order} AS o1, station AS o2
   FROM ${table} WHERE reason IS NOT NULL`;

/** See the module's doc: the day's snapshots → station_status, stations and rejects. Idempotent. */
export async function transformVelib(context: DayTransformContext<VelibConfig>): Promise<TransformOutput> {
  const { db, date } = context;
  const status = snapshotsOf(context.files, STATUS_SOURCE, date);
  if (status.length === 0)
    throw new NoDataError(
      `no Vélib' snapshot was taken during ${date}: the day was not collected while it ran, and Vélib' ` +
        'keeps no history (its feed only ever gives the current state), so it cannot be collected after the fact',
    );
  try {
    await readSnapshots(db, STATUS_DOCS, status, STATUS_FIELDS);
    await db.run(statusRowsSql(STATUS_DOCS));
    await db.run(`DROP TABLE IF EXISTS ${STATUS_DOCS}`);
    await writeStationList(
      db,
      latestList(snapshotsOf(context.files, STATIONS_SOURCE, date)),
      context.tablePath(STATIONS_TABLE),
    );
    const read = await count(context, `SELECT count(*) FROM ${STATUS_ROWS}`);
    const rejected = await count(context, `SELECT count(*) FROM ${STATUS_ROWS} WHERE reason IS NOT NULL`);
    await db.run(
      copyJsonLines(
        `SELECT line FROM (${rejectSql(STATUS_ROWS, 'epoch(slot_start)')} UNION ALL ${rejectSql(LIST_ROWS, 'NULL')})
         ORDER BY o1 NULLS LAST, o2`,
        context.rejectsPath,
      ),
    );
    const written = await count(
      context,
      copyToParquetSql(
        `SELECT slot_start, slot_end, station_id, station_code, bikes, mechanical, ebike, docks, installed, renting,
           "returning", to_timestamp(last_reported_epoch) AS last_reported
         FROM ${STATUS_ROWS} WHERE reason IS NULL ORDER BY slot_start, station_id`,
        context.tablePath(STATUS_TABLE),
      ),
    );
    if (written === 0)
      throw new BadDataError(
        { file: status.map((s) => s.file.key).join(', ') },
        `no station of ${date} could be read (${read} read, ${rejected} rejected)`,
      );
    return { tables: [STATUS_TABLE, STATIONS_TABLE], rows: { read, written, rejected } };
  } finally {
    for (const table of [STATUS_DOCS, STATUS_ROWS, LIST_ROWS]) await db.run(`DROP TABLE IF EXISTS ${table}`);
  }
}
