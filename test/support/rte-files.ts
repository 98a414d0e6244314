/**
 * Synthetic RTE eCO2mix downloadable files, shaped like the real 2016 file (see PROVENANCE.md):
 * Latin-1 tab-separated text, the `?` of "Fil de l?eau", one more trailing tab on data rows than
 * on the header, Paris wall-clock times (the March hour missing, the October hour twice), the
 * disclaimer and a blank line at the end. Deterministic values on a daily curve, not real data.
 */
import { zipSync } from 'fflate';
import { datesInRange, parisDayBounds } from '../../src/workflow-safe/partition.js';

export type RteFileKind = 'TR' | 'Consolide' | 'Definitif';

export interface RteFileOptions {
  readonly from: string;
  readonly to: string;
  /** Real time (every quarter-hour filled) or consolidated/definitive (values on :00/:30 only). */
  readonly kind?: RteFileKind;
  /** `older`: the 2016 header; `newer`: with onshore/offshore wind and battery columns. */
  readonly columns?: 'older' | 'newer';
  readonly dates?: 'iso' | 'french';
  /** How the repeated October hour is written: twice (default) or once. */
  readonly repeatedHour?: 'twice' | 'once';
  /** Days after `to` whose rows hold forecasts only (the future rows of an En-cours file). */
  readonly forecastDays?: number;
  /** Lines inserted before the disclaimer, as they are (tabs included). */
  readonly extraLines?: readonly string[];
}

export interface SyntheticRow {
  readonly date: string;
  readonly time: string;
  readonly instant: number;
  /** Null on forecast-only rows. */
  readonly consommation: number | null;
  readonly line: number;
}

export interface RteFileBuild {
  /** `eCO2mix_RTE_Annuel-Definitif_2019.xls`, … */
  readonly name: string;
  readonly text: string;
  /** The Latin-1 bytes, as RTE serves them. */
  readonly bytes: Uint8Array;
  readonly rows: readonly SyntheticRow[];
}

const OLDER = [
  'Périmètre',
  'Nature',
  'Date',
  'Heures',
  'Consommation',
  'Prévision J-1',
  'Prévision J',
  'Fioul',
  'Charbon',
  'Gaz',
  'Nucléaire',
  'Eolien',
  'Solaire',
  'Hydraulique',
  'Pompage',
  'Bioénergies',
  'Ech. physiques',
  'Taux de Co2',
  'Ech. comm. Angleterre',
  'Ech. comm. Espagne',
  'Ech. comm. Italie',
  'Ech. comm. Suisse',
  'Ech. comm. Allemagne-Belgique',
  'Fioul - TAC',
  'Fioul - Cogén.',
  'Fioul - Autres',
  'Gaz - TAC',
  'Gaz - Cogén.',
  'Gaz - CCG',
  'Gaz - Autres',
  'Hydraulique - Fil de l?eau + éclusée',
  'Hydraulique - Lacs',
  'Hydraulique - STEP turbinage',
  'Bioénergies - Déchets',
  'Bioénergies - Biomasse',
  'Bioénergies - Biogaz',
] as const;

/** The newer header: wind split after `Eolien`, batteries at the end (one label with a leading space). */
const NEWER = [
  ...OLDER.slice(0, 12),
  'Eolien terrestre',
  'Eolien offshore',
  ...OLDER.slice(12),
  ' Stockage batterie',
  'Déstockage batterie',
];

const NATURE: Readonly<Record<RteFileKind, string>> = {
  TR: 'Données temps réel',
  Consolide: 'Données consolidées',
  Definitif: 'Données définitives',
};

export const DISCLAIMER =
  "RTE ne pourra être tenu responsable de l'usage qui pourrait être fait des données mises à disposition, ni en cas de prévisions qui se révèleraient imprécises.";

const paris = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

function wallClock(instant: number): { date: string; time: string } {
  const p = Object.fromEntries(paris.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** The synthetic measures of an instant (MW; taux_co2 in gCO2/kWh). */
export function syntheticMeasures(instant: number): Record<string, number> {
  const hour = (instant / 3_600_000) % 24;
  const day = Math.floor(instant / 86_400_000);
  const load = Math.round(52_000 + 9_000 * Math.sin(((hour - 6) / 24) * 2 * Math.PI) + 1_500 * Math.sin(day / 3));
  const solar = Math.max(0, Math.round(7_000 * Math.sin(((hour - 5) / 14) * Math.PI)));
  const gaz = 4_000 + Math.round(load / 20);
  const eolien = 3_000 + (day % 7) * 500;
  const exchanges = -4_000 + (day % 5) * 900;
  return {
    consommation: load,
    prevision_j1: load + 400,
    prevision_j: load + 150,
    fioul: 120,
    charbon: 10,
    gaz,
    // Balanced like real data: production + pumping + exchanges = consumption.
    nucleaire: load - (120 + 10 + gaz + eolien + solar + 6_500 + 1_100) + 800 - exchanges,
    eolien,
    solaire: solar,
    hydraulique: 6_500,
    pompage: -800,
    bioenergies: 1_100,
    ech_physiques: exchanges,
    taux_co2: 30 + (day % 4),
  };
}

function cells(measures: Record<string, number> | null, forecastOnly: boolean, newer: boolean): string[] {
  const m = measures ?? {};
  const value = (name: string) => (forecastOnly || measures === null ? '' : String(m[name] ?? ''));
  const forecast = (name: string) => (measures === null ? 'ND' : String(m[name] ?? ''));
  const main = [
    value('consommation'),
    forecast('prevision_j1'),
    forecast('prevision_j'),
    value('fioul'),
    value('charbon'),
    value('gaz'),
    value('nucleaire'),
    value('eolien'),
    ...(newer ? [value('eolien') && String((m.eolien ?? 0) - 200), value('eolien') && '200'] : []),
    value('solaire'),
    value('hydraulique'),
    value('pompage'),
    value('bioenergies'),
    value('ech_physiques'),
    value('taux_co2'),
  ];
  // Commercial exchanges and the detail columns: empty, like the real file's :15/:45 rows.
  const details = Array.from({ length: 18 }, () => '');
  return [...main, ...details, ...(newer ? [forecastOnly ? '' : '0', forecastOnly ? '' : '0'] : [])];
}

function fileName(options: RteFileOptions): string {
  const kind = options.kind ?? 'TR';
  if (kind === 'Definitif') return `eCO2mix_RTE_Annuel-Definitif_${options.from.slice(0, 4)}.xls`;
  return kind === 'TR' ? 'eCO2mix_RTE_En-cours-TR.xls' : 'eCO2mix_RTE_En-cours-Consolide.xls';
}

/** A whole file for the Paris days from..to (plus `forecastDays` of forecast rows). */
export function buildRteFile(options: RteFileOptions): RteFileBuild {
  const kind = options.kind ?? 'TR';
  const newer = options.columns === 'newer';
  const header = newer ? NEWER : OLDER;
  const lines = [header.join('\t')];
  const rows: SyntheticRow[] = [];
  const lastDay = new Date(Date.parse(`${options.to}T00:00:00Z`) + (options.forecastDays ?? 0) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  for (const day of datesInRange(options.from, lastDay)) {
    const { start, end } = parisDayBounds(day);
    const future = day > options.to;
    const seen = new Set<string>();
    for (let at = start.getTime(); at < end.getTime(); at += 15 * 60_000) {
      const { date, time } = wallClock(at);
      if (options.repeatedHour === 'once' && seen.has(time)) continue;
      seen.add(time);
      const halfHour = new Date(at).getUTCMinutes() % 30 === 0;
      const forecastOnly = future || (kind !== 'TR' && !halfHour);
      const measures = future ? null : syntheticMeasures(at);
      const shownDate = options.dates === 'french' ? `${date.slice(8)}/${date.slice(5, 7)}/${date.slice(0, 4)}` : date;
      lines.push(['France', NATURE[kind], shownDate, time, ...cells(measures, forecastOnly, newer), ''].join('\t'));
      rows.push({
        date,
        time,
        instant: at,
        consommation: forecastOnly || !measures ? null : (measures.consommation ?? null),
        line: lines.length,
      });
    }
  }
  lines.push(...(options.extraLines ?? []), DISCLAIMER, '');
  const text = `${lines.join('\n')}\n`;
  return { name: fileName(options), text, bytes: new Uint8Array(Buffer.from(text, 'latin1')), rows };
}

/** The file as RTE serves it: the `.xls` alone in a `.zip` named like it. */
export function zipRteFile(build: RteFileBuild): { name: string; bytes: Uint8Array } {
  return { name: build.name.replace(/\.xls$/, '.zip'), bytes: zipSync({ [build.name]: build.bytes }) };
}
