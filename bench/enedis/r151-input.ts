/**
 * Synthetic R151 flows in the element layout of the real anonymised sample
 * (`test/fixtures/enedis/electricore_r151.xml`): per PRM a `Donnees_Releve` per day with its
 * calendars and their labels, an `Id_Affaire`, four distributor classes (HCB, HCH, HPB, HPH, with
 * label, `Rang_Cadran`, Wh `Valeur`, `Indice_Vraisemblance`) and one supplier class. Indexes rise
 * every day by a seeded amount. Kept in `.tools/bench-data/enedis/` and reused.
 *
 * - a month as Enedis delivers it: one zip a day holding that day's readings of every PRM, named
 *   `ERDF_R151_{EIC}_{GRD}_{subscription}_{number}_Q_00001_00001_{stamp}.zip`;
 * - days of a large subscription: each day's delivery split into zips of consecutive PRMs;
 * - one file of many days (one `Donnees_Releve` per PRM and day), plain XML.
 */
import { Zip, ZipDeflate } from 'fflate';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { nextDate } from '../../src/workflow-safe/partition.js';
import { BENCH_DATA_DIR, cachedInput, TextSink } from '../inputs/files.js';
import { seededRandom, seedOf } from '../lib/random.js';

const CLASSES = [
  ['HCB', 'Heures Creuses Saison Basse', 1],
  ['HCH', 'Heures Creuses Hiver / Saison Haute', 3],
  ['HPB', 'Heures Pleines Saison Basse', 2],
  ['HPH', 'Heures Pleines Hiver / Saison Haute', 4],
] as const;
const SUBSCRIPTION = '108529521';

const header = (created: string) =>
  `<?xml version='1.0' encoding='UTF-8'?>\n<R151 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><En_Tete_Flux>` +
  `<Identifiant_Flux>R151</Identifiant_Flux><Libelle_Flux>Puissances maximales et index des PRM du segment C5 sur abonnement</Libelle_Flux>` +
  `<Version_XSD>V1</Version_XSD><Identifiant_Emetteur>17XFICTIF64252DX</Identifiant_Emetteur>` +
  `<Identifiant_Destinataire>17XFICTIFD235F9X</Identifiant_Destinataire><Date_Creation>${created}T03:09:31+02:00</Date_Creation>` +
  `<Identifiant_Contrat>84115364</Identifiant_Contrat><Numero_Abonnement>${SUBSCRIPTION}</Numero_Abonnement>` +
  `<Unite_Mesure_Index>Wh</Unite_Mesure_Index><Unite_Mesure_Puissance>VA</Unite_Mesure_Puissance></En_Tete_Flux>\n`;

/** The PRM of index `i`: 14 digits, prefix 99 as in the anonymised samples. */
const prmOf = (i: number) => `99${String(i).padStart(12, '0')}`;

/** Wh indexes of PRM `i` at the end of day number `day` (from 0): a start and a daily rise per class. */
function indexes(i: number, day: number): number[] {
  const random = seededRandom(seedOf(`r151-${i}`));
  return CLASSES.map(() => {
    const start = Math.floor(random() * 40_000_000);
    const daily = Math.floor(500 + random() * 9_000);
    return start + daily * day;
  });
}

function reading(date: string, values: readonly number[]): string {
  const classes = CLASSES.map(
    ([id, label, rank], k) =>
      `<Classe_Temporelle_Distributeur><Id_Classe_Temporelle>${id}</Id_Classe_Temporelle><Libelle_Classe_Temporelle>${label}</Libelle_Classe_Temporelle>` +
      `<Rang_Cadran>${rank}</Rang_Cadran><Valeur>${values[k] ?? 0}</Valeur><Indice_Vraisemblance>0</Indice_Vraisemblance></Classe_Temporelle_Distributeur>\n`,
  ).join('');
  const total = values.reduce((a, b) => a + b, 0);
  return (
    `<Donnees_Releve><Date_Releve>${date}</Date_Releve>\n<Id_Calendrier_Fournisseur>FC022034</Id_Calendrier_Fournisseur>\n` +
    `<Libelle_Calendrier_Fournisseur>INCONNU</Libelle_Calendrier_Fournisseur>\n<Id_Calendrier_Distributeur>DI000003</Id_Calendrier_Distributeur>\n` +
    `<Libelle_Calendrier_Distributeur>Avec diffÃ©renciation temporelle et saisonniÃ¤re</Libelle_Calendrier_Distributeur>\n` +
    `<Id_Affaire>5112502</Id_Affaire>\n${classes}` +
    `<Classe_Temporelle><Id_Classe_Temporelle>INCONNU</Id_Classe_Temporelle><Libelle_Classe_Temporelle>INCONNU</Libelle_Classe_Temporelle>` +
    `<Rang_Cadran>1</Rang_Cadran><Valeur>${total}</Valeur><Indice_Vraisemblance>0</Indice_Vraisemblance></Classe_Temporelle>\n</Donnees_Releve>\n`
  );
}

/**
 * Writes the R151 of `prms` PRMs, from PRM number `first`, over `dates` (`offset`: the number of the
 * first date) through `write`.
 */
async function writeR151(
  write: (text: string) => Promise<void>,
  prms: number,
  dates: readonly string[],
  offset: number,
  first = 0,
): Promise<void> {
  await write(header(nextDate(dates[dates.length - 1] ?? '')));
  for (let i = first; i < first + prms; i += 1) {
    const days = dates.map((date, d) => reading(date, indexes(i, offset + d))).join('');
    await write(`<PRM><Id_PRM>${prmOf(i)}</Id_PRM>\n${days}</PRM>\n`);
  }
  await write('</R151>\n');
}

/** One plain XML R151 file of `prms` PRMs × `dates`. */
export function r151File(prms: number, dates: readonly string[]): Promise<string> {
  const name = `enedis/r151-${prms}x${dates.length}-${dates[0] ?? ''}.xml`;
  return cachedInput(name, async (file) => {
    await mkdir(path.dirname(file), { recursive: true });
    const sink = new TextSink(file);
    await writeR151((text) => sink.write(text), prms, dates, 0);
    await sink.close();
  });
}

const fiveDigits = (n: number) => String(n).padStart(5, '0');

/** The name Enedis gives zip `part` of `parts` of delivery `number` of the bench's subscription, created on `date`. */
export function deliveryName(number: number, date: string, part = 1, parts = 1): string {
  const stamp = `${nextDate(date).replaceAll('-', '')}030716`;
  return `ERDF_R151_17X000001117366M_GRD-F139_${SUBSCRIPTION}_${fiveDigits(number)}_Q_${fiveDigits(part)}_${fiveDigits(parts)}_${stamp}.zip`;
}

async function writeZip(
  target: string,
  member: string,
  body: (write: (text: string) => Promise<void>) => Promise<void>,
) {
  const out = createWriteStream(target);
  const zip = new Zip((error, chunk) => {
    if (error) out.destroy(error);
    else out.write(chunk);
  });
  const entry = new ZipDeflate(member, { level: 1 });
  zip.add(entry);
  let pending = '';
  const flush = async (final: boolean) => {
    entry.push(new TextEncoder().encode(pending), final);
    pending = '';
    if (out.writableNeedDrain) await once(out, 'drain');
  };
  await body(async (text) => {
    pending += text;
    if (pending.length >= 1 << 20) await flush(false);
  });
  await flush(true);
  zip.end();
  out.end();
  await once(out, 'finish');
}

/** The folder `dir` of `bench-data`, written by `write` into a folder of its own first unless already there. */
async function cachedDir(dir: string, write: (partial: string) => Promise<void>): Promise<string> {
  if (existsSync(dir)) return dir;
  // A folder of its own: another run generating the same inputs at once does not mix with this one.
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await write(partial);
  if (existsSync(dir)) await rm(partial, { recursive: true, force: true });
  else await rename(partial, dir);
  return dir;
}

/** A folder of daily R151 zips for `prms` PRMs, one per date (the day's readings), numbered from 1. */
export function r151DailyZips(prms: number, dates: readonly string[]): Promise<string> {
  const dir = path.join(BENCH_DATA_DIR, 'enedis', `r151-daily-${prms}x${dates.length}-${dates[0] ?? ''}`);
  return cachedDir(dir, async (partial) => {
    for (const [d, date] of dates.entries()) {
      const name = deliveryName(d + 1, date);
      await writeZip(path.join(partial, name), name.replace(/\.zip$/, '.xml'), (write) =>
        writeR151(write, prms, [date], d),
      );
    }
  });
}

/**
 * The R151 of `prms` PRMs for each date of `dates` as a large subscription's is delivered: a date's
 * readings one delivery (numbered from 1), split into `parts` zips of consecutive PRMs, each date's
 * zips in a folder of their own (`{folder}/{date}/`). Resolves to those folders, in date order.
 */
export async function r151SplitDays(prms: number, parts: number, dates: readonly string[]): Promise<string[]> {
  const dir = path.join(BENCH_DATA_DIR, 'enedis', `r151-split-${prms}x${dates.length}-${parts}-${dates[0] ?? ''}`);
  const perPart = Math.ceil(prms / parts);
  await cachedDir(dir, async (partial) => {
    for (const [d, date] of dates.entries()) {
      await mkdir(path.join(partial, date));
      for (let part = 1; part <= parts; part += 1) {
        const first = (part - 1) * perPart;
        const name = deliveryName(d + 1, date, part, parts);
        await writeZip(path.join(partial, date, name), name.replace(/\.zip$/, '.xml'), (write) =>
          writeR151(write, Math.min(perPart, prms - first), [date], d, first),
        );
      }
    }
  });
  return dates.map((date) => path.join(dir, date));
}
