/**
 * The scenario's flows as tables, what the XML holds one row per element, for tools that land flows
 * straight into DuckDB without parsing XML (electricore's marts are built from tables like these):
 *
 * - `c15_events.parquet`: one row per C15 event — `pdl`, `ref_situation_contractuelle`,
 *   `evenement_declencheur`, `type_evenement`, `date_evenement` (TIMESTAMPTZ), `etat_contractuel`,
 *   `segment_clientele`, `puissance_souscrite_kva` (DOUBLE), `formule_tarifaire_acheminement`,
 *   `id_calendrier_distributeur`, `niveau_ouverture_services`, `type_compteur`, `num_compteur`,
 *   `categorie`, then `avant_nature_index` and `avant_index_{base,hp,hc,hph,hch,hpb,hcb}_kwh`
 *   (BIGINT, null when absent), the same with `apres_`.
 * - `r151_readings.parquet`: one row per R151 `Donnees_Releve` — `pdl`, `date_releve` (DATE, the
 *   index at the end of that Paris day), `id_calendrier_distributeur`, `index_*_kwh` (BIGINT: the
 *   Wh index floored to kWh, as electricore lands it).
 *
 * Written as CSV by streaming, then converted to Parquet by DuckDB.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { TextSink } from '../inputs/files.js';
import {
  CALENDAR_CLASSES,
  eventIndexKwh,
  FTA_CALENDAR,
  indexWh,
  parisOffset,
  type Meter,
  type Scenario,
} from './scenario.js';

const CADRANS = ['base', 'hp', 'hc', 'hph', 'hch', 'hpb', 'hcb'] as const;

/** Values of the seven cadran columns from a calendar's class values (others empty). */
function cadranCells(meter: Meter, values: readonly number[] | null): string[] {
  const classes: readonly string[] = CALENDAR_CLASSES[meter.calendar];
  return CADRANS.map((cadran) => {
    const k = classes.indexOf(cadran.toUpperCase());
    return values === null || k < 0 ? '' : String(values[k]);
  });
}

const indexColumns = (prefix: string) => CADRANS.map((c) => `${prefix}index_${c}_kwh`);

const C15_COLUMNS = [
  'pdl',
  'ref_situation_contractuelle',
  'evenement_declencheur',
  'type_evenement',
  'date_evenement',
  'etat_contractuel',
  'segment_clientele',
  'puissance_souscrite_kva',
  'formule_tarifaire_acheminement',
  'id_calendrier_distributeur',
  'niveau_ouverture_services',
  'type_compteur',
  'num_compteur',
  'categorie',
  'avant_nature_index',
  ...indexColumns('avant_'),
  'apres_nature_index',
  ...indexColumns('apres_'),
] as const;

const R151_COLUMNS = ['pdl', 'date_releve', 'id_calendrier_distributeur', ...indexColumns('')] as const;

const typesOf = (columns: readonly string[], types: Readonly<Record<string, string>>) =>
  `{${columns.map((c) => `'${c}': '${types[c] ?? (c.includes('index_') ? 'BIGINT' : 'VARCHAR')}'`).join(', ')}}`;

async function csvToParquet(csv: string, parquet: string, columns: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await db.connect();
  try {
    await connection.run(
      `COPY (SELECT * FROM read_csv('${csv}', header = true, columns = ${columns})) TO '${parquet}' (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

/** Writes `c15_events.parquet` and `r151_readings.parquet` into `dir`; returns their paths. */
export async function writeFlowTables(scenario: Scenario, dir: string): Promise<string[]> {
  const meters = new Map(scenario.meters.map((meter) => [meter.pdl, meter]));
  const c15Csv = path.join(dir, 'c15_events.csv');
  const c15 = new TextSink(c15Csv);
  await c15.write(`${C15_COLUMNS.join(',')}\n`);
  for (const event of scenario.events) {
    const meter = meters.get(event.pdl);
    if (meter === undefined) throw new Error(`no meter for ${event.pdl}`);
    const kwh = eventIndexKwh(meter, event.date);
    const row = [
      event.pdl,
      event.rsc,
      event.nature,
      'CONTRAT',
      `${event.date}T00:01:00${parisOffset(event.date)}`,
      event.state,
      'C5',
      event.statesTariff ? event.kva.toFixed(1) : '',
      event.statesTariff ? event.fta : '',
      event.statesTariff ? FTA_CALENDAR[event.fta] : '',
      '2',
      'CCB',
      meter.serial,
      'RES',
      event.before ? 'REEL' : '',
      ...cadranCells(meter, event.before ? kwh : null),
      event.after ? 'REEL' : '',
      ...cadranCells(meter, event.after ? kwh : null),
    ];
    await c15.write(`${row.join(',')}\n`);
  }
  await c15.close();

  const r151Csv = path.join(dir, 'r151_readings.csv');
  const r151 = new TextSink(r151Csv);
  await r151.write(`${R151_COLUMNS.join(',')}\n`);
  for (const meter of scenario.meters) {
    for (const date of meter.readingDates) {
      const kwh = indexWh(meter, date).map((wh) => Math.floor(wh / 1000));
      await r151.write(`${[meter.pdl, date, meter.calendar, ...cadranCells(meter, kwh)].join(',')}\n`);
    }
  }
  await r151.close();

  const c15Parquet = path.join(dir, 'c15_events.parquet');
  const r151Parquet = path.join(dir, 'r151_readings.parquet');
  await csvToParquet(
    c15Csv,
    c15Parquet,
    typesOf(C15_COLUMNS, { date_evenement: 'TIMESTAMPTZ', puissance_souscrite_kva: 'DOUBLE' }),
  );
  await csvToParquet(r151Csv, r151Parquet, typesOf(R151_COLUMNS, { date_releve: 'DATE' }));
  await rm(c15Csv);
  await rm(r151Csv);
  return [c15Parquet, r151Parquet];
}
