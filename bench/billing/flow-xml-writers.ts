/**
 * The scenario's flows as Enedis writes them, in the element layout of the anonymised real samples
 * (`test/fixtures/enedis/electricore_c15_avec_releves.xml`, `…_r151.xml`):
 *
 * - C15: one `PRM` block per event, with its `Evenement_Declencheur` (nature, date with its Paris
 *   offset, readings before/after in kWh with `Classe_Mesure` 1 and `Sens_Mesure` 0 when metering was
 *   affected) and the `Situation_Contractuelle` after it (reference, state, FTA, kVA, calendar).
 * - R151: per PRM one `Donnees_Releve` per day present, Wh indexes of the distributor classes and
 *   one supplier class (`INCONNU`), the unit in the header.
 */
import path from 'node:path';
import { TextSink } from '../inputs/files.js';
import {
  CALENDAR_CLASSES,
  eventIndexKwh,
  FTA_CALENDAR,
  indexWh,
  parisOffset,
  type ContractEvent,
  type Meter,
  type Scenario,
} from './scenario.js';

const CALENDAR_LABELS = {
  DI000001: 'Sans différenciation temporelle',
  DI000002: 'Avec différenciation temporelle',
  DI000003: 'Avec différenciation temporelle et saisonnière',
} as const;
const CLASS_LABELS: Readonly<Record<string, string>> = {
  BASE: 'Base',
  HP: 'Heures Pleines',
  HC: 'Heures Creuses',
  HPH: 'Heures Pleines Saison Haute',
  HCH: 'Heures Creuses Saison Haute',
  HPB: 'Heures Pleines Saison Basse',
  HCB: 'Heures Creuses Saison Basse',
};

const eventInstant = (date: string) => `${date}T00:01:00${parisOffset(date)}`;

function c15Readings(event: ContractEvent, meter: Meter): string {
  const calendar = FTA_CALENDAR[event.fta];
  const kwh = eventIndexKwh(meter, event.date);
  const block = (qualification: 1 | 2) =>
    `<Donnees_Releve><Code_Qualification>${qualification}</Code_Qualification><Date_Releve>${eventInstant(event.date)}</Date_Releve>` +
    `<Id_Calendrier_Distributeur>${calendar}</Id_Calendrier_Distributeur><Libelle_Calendrier_Distributeur>${CALENDAR_LABELS[calendar]}</Libelle_Calendrier_Distributeur>` +
    `<Id_Calendrier>FC022034</Id_Calendrier><Nature_Index>REEL</Nature_Index>\n` +
    CALENDAR_CLASSES[meter.calendar]
      .map(
        (cls, rank) =>
          `<Classe_Temporelle_Distributeur><Id_Classe_Temporelle>${cls}</Id_Classe_Temporelle><Libelle_Classe_Temporelle>${CLASS_LABELS[cls]}</Libelle_Classe_Temporelle>` +
          `<Rang_Cadran>${rank + 1}</Rang_Cadran><Classe_Mesure>1</Classe_Mesure><Unite_Mesure>kWh</Unite_Mesure><Sens_Mesure>0</Sens_Mesure>` +
          `<Valeur>${kwh[rank] ?? 0}</Valeur><Nb_Chiffres_Cadran>6</Nb_Chiffres_Cadran><Indicateur_Passage_A_Zero>0</Indicateur_Passage_A_Zero>` +
          `<Coefficient_Lecture>1.0</Coefficient_Lecture></Classe_Temporelle_Distributeur>\n`,
      )
      .join('') +
    `</Donnees_Releve>\n`;
  if (!event.before && !event.after) return '';
  return `<Releves>\n${event.before ? block(1) : ''}${event.after ? block(2) : ''}</Releves>\n`;
}

function c15Prm(event: ContractEvent, meter: Meter): string {
  const calendar = FTA_CALENDAR[event.fta];
  return (
    `<PRM><Id_PRM>${event.pdl}</Id_PRM><Segment_Clientele>C5</Segment_Clientele><Niveau_Ouverture_Services>2</Niveau_Ouverture_Services>\n` +
    `<Evenement_Declencheur><Type_Evenement>CONTRAT</Type_Evenement><Date_Evenement>${eventInstant(event.date)}</Date_Evenement>` +
    `<Origine_Evenement>0</Origine_Evenement><Nature_Evenement>${event.nature}</Nature_Evenement><Id_Affaire>${event.rsc.slice(1)}</Id_Affaire>\n` +
    c15Readings(event, meter) +
    `</Evenement_Declencheur>\n<Situation_Contractuelle><Etat_Contractuel>${event.state}</Etat_Contractuel>` +
    `<Ref_Situation_Contractuelle>${event.rsc}</Ref_Situation_Contractuelle>` +
    (event.statesTariff
      ? `<Structure_Tarifaire><Formule_Tarifaire_Acheminement>${event.fta}</Formule_Tarifaire_Acheminement>` +
        `<Puissance_Souscrite>${event.kva.toFixed(1)}</Puissance_Souscrite><Unite_Puissance_Souscrite>kVA</Unite_Puissance_Souscrite>` +
        `<Id_Calendrier_Distributeur>${calendar}</Id_Calendrier_Distributeur></Structure_Tarifaire>`
      : '') +
    `<Titulaire_Contrat><Categorie>RES</Categorie></Titulaire_Contrat></Situation_Contractuelle>\n` +
    `<Dispositif_De_Comptage><Compteur><Type>CCB</Type><Num_Serie>${meter.serial}</Num_Serie></Compteur></Dispositif_De_Comptage>\n</PRM>\n`
  );
}

const C15_HEADER =
  `<?xml version='1.0' encoding='UTF-8'?>\n<C15><En_Tete_Flux><Identifiant_Flux>C15</Identifiant_Flux>` +
  `<Libelle_Flux>Description de la situation contractuelle des PRM du segment C5</Libelle_Flux><Version_XSD>5.0.0</Version_XSD>` +
  `<Identifiant_Emetteur>17XFICTIFA42DFAX</Identifiant_Emetteur><Identifiant_Destinataire>17XFICTIFD235F9X</Identifiant_Destinataire>` +
  `<Instance_GRD>0328</Instance_GRD></En_Tete_Flux>\n` +
  `<Contrat><Identifiant>84115364</Identifiant><Nature_Contrat>GRD-F</Nature_Contrat></Contrat>\n`;

const R151_HEADER =
  `<?xml version='1.0' encoding='UTF-8'?>\n<R151 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><En_Tete_Flux>` +
  `<Identifiant_Flux>R151</Identifiant_Flux><Libelle_Flux>Puissances maximales et index des PRM du segment C5 sur abonnement</Libelle_Flux>` +
  `<Version_XSD>V1</Version_XSD><Identifiant_Emetteur>17XFICTIF64252DX</Identifiant_Emetteur><Identifiant_Destinataire>17XFICTIFD235F9X</Identifiant_Destinataire>` +
  `<Identifiant_Contrat>84115364</Identifiant_Contrat><Numero_Abonnement>507342151</Numero_Abonnement>` +
  `<Unite_Mesure_Index>Wh</Unite_Mesure_Index><Unite_Mesure_Puissance>VA</Unite_Mesure_Puissance></En_Tete_Flux>\n`;

function r151Prm(meter: Meter): string {
  const days = meter.readingDates
    .map((date) => {
      const wh = indexWh(meter, date);
      return (
        `<Donnees_Releve><Date_Releve>${date}</Date_Releve>\n<Id_Calendrier_Fournisseur>FC022034</Id_Calendrier_Fournisseur>\n` +
        `<Libelle_Calendrier_Fournisseur>INCONNU</Libelle_Calendrier_Fournisseur>\n<Id_Calendrier_Distributeur>${meter.calendar}</Id_Calendrier_Distributeur>\n` +
        `<Libelle_Calendrier_Distributeur>${CALENDAR_LABELS[meter.calendar]}</Libelle_Calendrier_Distributeur>\n` +
        CALENDAR_CLASSES[meter.calendar]
          .map(
            (cls, rank) =>
              `<Classe_Temporelle_Distributeur><Id_Classe_Temporelle>${cls}</Id_Classe_Temporelle><Libelle_Classe_Temporelle>${CLASS_LABELS[cls]}</Libelle_Classe_Temporelle>` +
              `<Rang_Cadran>${rank + 1}</Rang_Cadran><Valeur>${wh[rank] ?? 0}</Valeur><Indice_Vraisemblance>0</Indice_Vraisemblance></Classe_Temporelle_Distributeur>\n`,
          )
          .join('') +
        `<Classe_Temporelle><Id_Classe_Temporelle>INCONNU</Id_Classe_Temporelle><Libelle_Classe_Temporelle>INCONNU</Libelle_Classe_Temporelle>` +
        `<Rang_Cadran>1</Rang_Cadran><Valeur>${wh.reduce((a, b) => a + b, 0)}</Valeur><Indice_Vraisemblance>0</Indice_Vraisemblance></Classe_Temporelle>\n` +
        `</Donnees_Releve>\n`
      );
    })
    .join('');
  return `<PRM><Id_PRM>${meter.pdl}</Id_PRM>\n${days}</PRM>\n`;
}

/** PRMs per R151 file: real deliveries hold one subscription's points, thousands at most. */
export const R151_PRMS_PER_FILE = 10_000;

/** Writes `c15.xml` and `r151-NNNN.xml` into `dir`; returns the files written. */
export async function writeFlowXml(scenario: Scenario, dir: string): Promise<string[]> {
  const meters = new Map(scenario.meters.map((meter) => [meter.pdl, meter]));
  const files: string[] = [];
  const c15File = path.join(dir, 'c15.xml');
  const c15 = new TextSink(c15File);
  await c15.write(C15_HEADER);
  for (const event of scenario.events) {
    const meter = meters.get(event.pdl);
    if (meter === undefined) throw new Error(`no meter for ${event.pdl}`);
    await c15.write(c15Prm(event, meter));
  }
  await c15.write('</C15>\n');
  await c15.close();
  files.push(c15File);
  for (let start = 0; start < scenario.meters.length; start += R151_PRMS_PER_FILE) {
    const file = path.join(dir, `r151-${String(start / R151_PRMS_PER_FILE + 1).padStart(4, '0')}.xml`);
    const sink = new TextSink(file);
    await sink.write(R151_HEADER);
    for (const meter of scenario.meters.slice(start, start + R151_PRMS_PER_FILE)) await sink.write(r151Prm(meter));
    await sink.write('</R151>\n');
    await sink.close();
    files.push(file);
  }
  return files;
}
