/**
 * Deterministic eCO2mix-shaped data: real-time national exports as the ODRÉ API writes them
 * (`use_labels=false`, `;`, BOM, CRLF, every column of the export, instants in UTC), one row per
 * quarter-hour of each Paris day, DST days included. Values follow daily and yearly curves with
 * noise; about 1 row in 20 000 has an unreadable consumption, which every tool must reject.
 */
import { apiRecordsToExportCsv, type ApiRecord } from '../../src/datasets/eco2mix/export-csv.js';
import { datesInRange, parisDayBounds, parisOffsetMinutes } from '../../src/workflow-safe/partition.js';
import { seededRandom, seedOf } from '../lib/random.js';
import { cachedInput, TextSink } from './files.js';

const GENERATOR_VERSION = 1;
const QUARTER_MS = 15 * 60_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** The records of one Paris day, the same for a date on every run. */
export function eco2mixDayRecords(date: string, nature = 'Données temps réel'): ApiRecord[] {
  const random = seededRandom(seedOf(date));
  const { start, end } = parisDayBounds(date);
  const dayOfYear = (Date.parse(`${date}T00:00:00Z`) - Date.parse(`${date.slice(0, 4)}-01-01T00:00:00Z`)) / 86_400_000;
  const winter = Math.cos((dayOfYear / 365) * 2 * Math.PI);
  const records: ApiRecord[] = [];
  for (let at = start.getTime(); at < end.getTime(); at += QUARTER_MS) {
    const local = new Date(at + parisOffsetMinutes(at) * 60_000);
    const hour = local.getUTCHours() + local.getUTCMinutes() / 60;
    const noise = () => 0.97 + 0.06 * random();
    const load = Math.round((52_000 + 12_000 * winter + 7_000 * Math.sin(((hour - 7) / 24) * 2 * Math.PI)) * noise());
    const solar = Math.max(0, Math.round((6_000 - 3_000 * winter) * Math.sin(((hour - 6) / 14) * Math.PI) * noise()));
    const wind = Math.round((5_000 + 3_000 * winter) * (0.5 + random()));
    const nuclear = Math.round((40_000 + 5_000 * winter) * noise());
    const hydro = Math.round(7_000 * noise());
    const gas = Math.max(0, Math.round(load - nuclear - solar - wind - hydro - 1_200));
    const oil = Math.round(80 * noise());
    const coal = Math.round(20 * noise());
    const bio = Math.round(1_100 * noise());
    const pumping = -Math.round(600 * random());
    const batteries = { stockage_batterie: -10, destockage_batterie: 12 };
    // Exchanges close the balance, as on the real grid: production + pumping + batteries + exchanges = load.
    const exchanges =
      load -
      (oil + coal + gas + nuclear + wind + solar + hydro + bio) -
      pumping -
      batteries.stockage_batterie -
      batteries.destockage_batterie;
    const quarter = local.getUTCMinutes() % 30 === 15;
    const record: ApiRecord = {
      perimetre: 'France',
      nature,
      date: `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`,
      heure: `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`,
      date_heure: new Date(at).toISOString(),
      consommation: random() < 0.00005 ? 'x' + String(load) : load,
      prevision_j1: Math.round(load * noise()),
      prevision_j: Math.round(load * noise()),
      fioul: oil,
      charbon: coal,
      gaz: gas,
      nucleaire: nuclear,
      eolien: wind,
      eolien_terrestre: Math.round(wind * 0.9),
      eolien_offshore: Math.round(wind * 0.1),
      solaire: solar,
      hydraulique: hydro,
      pompage: pumping,
      bioenergies: bio,
      ech_physiques: exchanges,
      taux_co2: Math.round((20 + 15 * winter) * noise()),
      ech_comm_angleterre: quarter ? null : -1_500,
      ech_comm_espagne: quarter ? null : -1_000,
      ech_comm_italie: quarter ? null : -2_000,
      ech_comm_suisse: quarter ? null : -1_200,
      ech_comm_allemagne_belgique: quarter ? null : -800,
      fioul_tac: 10,
      fioul_cogen: 40,
      fioul_autres: 30,
      gaz_tac: Math.round(gas * 0.1),
      gaz_cogen: Math.round(gas * 0.2),
      gaz_ccg: Math.round(gas * 0.6),
      gaz_autres: Math.round(gas * 0.1),
      hydraulique_fil_eau_eclusee: Math.round(hydro * 0.6),
      hydraulique_lacs: Math.round(hydro * 0.3),
      hydraulique_step_turbinage: Math.round(hydro * 0.1),
      bioenergies_dechets: 300,
      bioenergies_biomasse: 500,
      bioenergies_biogaz: 300,
      ...batteries,
    };
    records.push(record);
  }
  return records;
}

/** What the ODRÉ CSV export returns for one day of a dataset (BOM, header, CRLF). */
export function eco2mixDayExport(date: string, source: 'realtime' | 'consolidated'): string {
  return apiRecordsToExportCsv(
    eco2mixDayRecords(date, source === 'realtime' ? 'Données temps réel' : 'Données consolidées'),
  );
}

async function writeEco2mixFile(from: string, to: string, file: string): Promise<void> {
  const sink = new TextSink(file);
  let first = true;
  for (const date of datesInRange(from, to)) {
    const csv = apiRecordsToExportCsv(eco2mixDayRecords(date), { bom: first });
    // One export for the whole range: the header once, then every day's rows.
    await sink.write(first ? csv : csv.slice(csv.indexOf('\r\n') + 2));
    first = false;
  }
  await sink.close();
}

/** The real-time export of the Paris days `from`..`to` in one file (generated once, then reused). */
export function eco2mixInput(from: string, to: string): Promise<string> {
  return cachedInput(`eco2mix-${from}_${to}-v${GENERATOR_VERSION}.csv`, (file) => writeEco2mixFile(from, to, file));
}
