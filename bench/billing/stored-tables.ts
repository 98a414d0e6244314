/**
 * The billing scenario as courant stores it once the flows are ingested: under `dataDir` (a local
 * store), `processed/enedis/dt=D/contract_events.parquet` and `index_readings.parquet` with the
 * columns, types, keys and row order of the Enedis day transform (`day-transform.ts`), written by
 * DuckDB from the flow tables (`flow-tables.ts`) rather than by parsing 5 GB of XML:
 *
 * - an event is on the day its instant closes: C15 `Date_Evenement` D is read as 00:00 Paris on D,
 *   stored on D − 1, with its readings (`flow` C15, `qualification` before/after) beside it;
 * - an R151 reading of `Date_Releve` D is the index at 00:00 Paris on D + 1, stored on D, one row
 *   per distributor class plus the supplier register (`INCONNU`, flagged) the XML also carries.
 *
 * `small` scenarios billed from these tables and from their ingested XML give the same JSON (the
 * bench checks it). Each reading day is written from the R151 table's rows of that day alone (its
 * `line` the row's place in the file, which the generator writes in PRM then day order): a million
 * PRMs' 30 million readings are never held at once.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { sqlString } from '../../src/duckdb/columns.js';
import { EVENT_COLUMNS, EVENT_TABLE, INDEX_COLUMNS, INDEX_TABLE } from '../../src/datasets/enedis/day-transform.js';
import { ROW_GROUP_SIZE } from '../../src/datasets/enedis/turns.js';
import { PARTITION_TIMEZONE } from '../../src/workflow-safe/partition.js';

const ZONE = sqlString(PARTITION_TIMEZONE);
const CADRANS = ['base', 'hp', 'hc', 'hph', 'hch', 'hpb', 'hcb'] as const;
const C15_FILE = `'raw/enedis/drops/c15.xml'`;
const R151_FILE = `'raw/enedis/drops/r151.xml'`;

/** The C15 events with their Paris day, as the transform reads them. */
const EVENTS = (c15: string) => `
  SELECT *, row_number() OVER (ORDER BY pdl, date_evenement, evenement_declencheur)::INTEGER AS line,
    (date_evenement AT TIME ZONE ${ZONE})::DATE AS event_date,
    timezone(${ZONE}, event_date::TIMESTAMP) AS event_at,
    event_date - 1 AS dt
  FROM read_parquet(${sqlString(c15)})`;

const sideReadings = (side: 'avant' | 'apres', qualification: 'before' | 'after') =>
  CADRANS.map(
    (
      c,
    ) => `SELECT pdl AS prm, 'C15' AS flow, event_at AS reading_at, 'distributor' AS class_kind, '${c.toUpperCase()}' AS class,
      id_calendrier_distributeur AS calendar, ${side}_index_${c}_kwh AS index_kwh,
      CASE ${side}_nature_index WHEN 'REEL' THEN 'real' WHEN 'ESTIME' THEN 'estimated' ELSE lower(${side}_nature_index) END AS nature,
      false AS flagged, '${qualification}' AS qualification, evenement_declencheur AS event, ${C15_FILE} AS file, line, dt
    FROM events WHERE ${side}_index_${c}_kwh IS NOT NULL`,
  ).join(' UNION ALL ');

/** The R151 readings of `day`, numbered in file order (PRM, then day). */
const R151 = (r151: string, day: string) =>
  `SELECT *, (file_row_number + 1)::INTEGER AS line FROM read_parquet(${sqlString(r151)}, file_row_number = true)
   WHERE date_releve = DATE '${day}'`;

const R151_ROWS = [
  ...CADRANS.map(
    (c) => `SELECT pdl AS prm, 'R151' AS flow, timezone(${ZONE}, (date_releve + 1)::TIMESTAMP) AS reading_at,
        'distributor' AS class_kind, '${c.toUpperCase()}' AS class, id_calendrier_distributeur AS calendar,
        index_${c}_kwh AS index_kwh, NULL AS nature, false AS flagged, NULL AS qualification, NULL AS event,
        ${R151_FILE} AS file, line, date_releve AS dt
      FROM r151 WHERE index_${c}_kwh IS NOT NULL`,
  ),
  `SELECT pdl, 'R151', timezone(${ZONE}, (date_releve + 1)::TIMESTAMP), 'supplier', 'INCONNU', 'FC022034',
       ${CADRANS.map((c) => `coalesce(index_${c}_kwh, 0)`).join(' + ')}, NULL, true, NULL, NULL, ${R151_FILE}, line, date_releve
     FROM r151`,
].join(' UNION ALL ');

/** The stored readings of the R151 table `r151` on `day`. */
const r151Rows = (r151: string, day: string) => `SELECT * FROM (WITH r151 AS (${R151(r151, day)}) ${R151_ROWS})`;

async function days(db: DuckDBConnection, table: string): Promise<string[]> {
  const rows = (await db.runAndReadAll(`SELECT DISTINCT strftime(dt, '%Y-%m-%d') FROM ${table} ORDER BY 1`)).getRows();
  return rows.map((row) => String(row[0]));
}

/** Writes the table `name` of each of `dates`, its rows those of `rows(date)`. */
async function writeDays(
  db: DuckDBConnection,
  dataDir: string,
  dates: readonly string[],
  name: string,
  rows: (date: string) => string,
  select: string,
  order: string,
) {
  for (const date of dates) {
    const dir = path.join(dataDir, 'processed', 'enedis', `dt=${date}`);
    await mkdir(dir, { recursive: true });
    await db.run(
      `COPY (SELECT ${select} FROM (${rows(date)}) ORDER BY ${order})
       TO ${sqlString(path.join(dir, `${name}.parquet`))} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`,
    );
  }
  return dates.length;
}

/** Writes the stored tables of `tables` into `dataDir` (emptied first); returns how many days of each, and every day. */
export async function writeStoredTables(
  tables: { readonly c15Events: string; readonly r151Readings: string },
  dataDir: string,
): Promise<{ eventDays: number; readingDays: number; dates: string[] }> {
  await rm(dataDir, { recursive: true, force: true });
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const db = await instance.connect();
  try {
    await db.run(`CREATE TEMP TABLE events AS ${EVENTS(tables.c15Events)}`);
    await db.run(
      `CREATE TEMP TABLE r151_days AS SELECT DISTINCT date_releve AS dt FROM read_parquet(${sqlString(tables.r151Readings)})`,
    );
    const readingsCount = CADRANS.map(
      (c) => `(avant_index_${c}_kwh IS NOT NULL)::INTEGER + (apres_index_${c}_kwh IS NOT NULL)::INTEGER`,
    );
    await db.run(
      `CREATE TEMP TABLE stored_events AS SELECT pdl AS prm, ref_situation_contractuelle AS contract, evenement_declencheur AS event,
         event_at, event_date, etat_contractuel AS state, formule_tarifaire_acheminement AS fta,
         puissance_souscrite_kva::DECIMAL(9, 3) AS kva, printf('%.1f', puissance_souscrite_kva) AS kva_text,
         id_calendrier_distributeur AS calendar, segment_clientele AS segment, (${readingsCount.join(' + ')})::INTEGER AS readings,
         ${C15_FILE} AS file, line, 0 AS arrival, dt
       FROM events`,
    );
    // Sorted by day: each day's COPY then reads only that day's row groups.
    await db.run(
      `CREATE TEMP TABLE event_readings AS SELECT * FROM (${sideReadings('avant', 'before')}
       UNION ALL ${sideReadings('apres', 'after')}) ORDER BY dt, prm`,
    );
    const eventDates = await days(db, 'stored_events');
    const eventDays = await writeDays(
      db,
      dataDir,
      eventDates,
      EVENT_TABLE,
      (date) => `SELECT * FROM stored_events WHERE dt = DATE '${date}'`,
      EVENT_COLUMNS.join(', '),
      'prm, event_at, contract, event, line',
    );
    const r151Dates = new Set(await days(db, 'r151_days'));
    const readingDates = [...new Set([...(await days(db, 'event_readings')), ...r151Dates])].sort();
    const readingDays = await writeDays(
      db,
      dataDir,
      readingDates,
      INDEX_TABLE,
      (date) =>
        `SELECT * FROM event_readings WHERE dt = DATE '${date}'` +
        (r151Dates.has(date) ? ` UNION ALL ${r151Rows(tables.r151Readings, date)}` : ''),
      INDEX_COLUMNS.join(', '),
      `prm, reading_at, flow, class_kind, calendar, class, qualification = 'after'`,
    );
    const dates = [...new Set([...eventDates, ...readingDates])].sort();
    return { eventDays, readingDays, dates };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
