/**
 * Enedis flows written by the tests in the element layout of the real samples
 * (`test/fixtures/enedis/`): R151 daily indexes in Wh, a C15 contract event with kWh readings
 * before and after it, and R15 periodic readings (the layout of electricore's anonymised real R15,
 * `tests/fixtures/flux/r15.xml`): per class an index (`Classe_Mesure` 1, with `Valeur_Precedent`)
 * and the energy of the period since `Date_Releve_Precedent` (`Classe_Mesure` 2).
 */

export interface R151Reading {
  readonly prm: string;
  /** The plain date: the index at the end of that Paris day. */
  readonly date: string;
  /** Wh index by distributor class (`HCB`, `HPH`…). */
  readonly wh: Readonly<Record<string, string | number>>;
  readonly calendar?: string;
}

/** An R151 flow holding these readings, one `PRM` element each. */
export function r151Flow(readings: readonly R151Reading[]): string {
  const body = readings
    .map(
      (r) =>
        `<PRM><Id_PRM>${r.prm}</Id_PRM>\n<Donnees_Releve><Date_Releve>${r.date}</Date_Releve>\n` +
        `<Id_Calendrier_Fournisseur>FC022034</Id_Calendrier_Fournisseur>\n` +
        `<Id_Calendrier_Distributeur>${r.calendar ?? 'DI000003'}</Id_Calendrier_Distributeur>\n` +
        Object.entries(r.wh)
          .map(
            ([cls, value]) =>
              `<Classe_Temporelle_Distributeur><Id_Classe_Temporelle>${cls}</Id_Classe_Temporelle><Valeur>${value}</Valeur></Classe_Temporelle_Distributeur>\n`,
          )
          .join('') +
        `</Donnees_Releve>\n</PRM>\n`,
    )
    .join('');
  return (
    `<?xml version='1.0' encoding='UTF-8'?>\n<R151><En_Tete_Flux><Identifiant_Flux>R151</Identifiant_Flux>` +
    `<Unite_Mesure_Index>Wh</Unite_Mesure_Index></En_Tete_Flux>\n${body}</R151>\n`
  );
}

/** Days `from`..`to` of one PRM, each class's index rising by `dailyWh(class)` a day from `startWh`. */
export function r151Days(
  prm: string,
  dates: readonly string[],
  startWh: Readonly<Record<string, number>>,
  dailyWh: Readonly<Record<string, number>>,
): R151Reading[] {
  return dates.map((date, i) => ({
    prm,
    date,
    wh: Object.fromEntries(Object.entries(startWh).map(([cls, wh]) => [cls, wh + (dailyWh[cls] ?? 0) * i])),
  }));
}

/**
 * A C15 flow with one contract event `nature` at `at` (with its offset), its kWh readings before and
 * after it (null: none on that side, as a contract start has none before), each in a
 * `Donnees_Releve` of its own as real files have them.
 */
export function c15Event(
  prm: string,
  at: string,
  before: Readonly<Record<string, number>> | null,
  after: Readonly<Record<string, number>> | null,
  nature = 'MCT',
): string {
  const reading = (qualification: number, calendar: string, values: Readonly<Record<string, number>> | null) =>
    values === null
      ? ''
      : `<Donnees_Releve><Code_Qualification>${qualification}</Code_Qualification><Date_Releve>${at}</Date_Releve>` +
        `<Id_Calendrier_Distributeur>${calendar}</Id_Calendrier_Distributeur><Nature_Index>REEL</Nature_Index>\n` +
        Object.entries(values)
          .map(
            ([cls, kwh]) =>
              `<Classe_Temporelle_Distributeur><Id_Classe_Temporelle>${cls}</Id_Classe_Temporelle><Classe_Mesure>1</Classe_Mesure>` +
              `<Unite_Mesure>kWh</Unite_Mesure><Sens_Mesure>0</Sens_Mesure><Valeur>${kwh}</Valeur></Classe_Temporelle_Distributeur>\n`,
          )
          .join('') +
        `</Donnees_Releve>\n`;
  return (
    `<?xml version='1.0' encoding='UTF-8'?>\n<C15><En_Tete_Flux><Identifiant_Flux>C15</Identifiant_Flux></En_Tete_Flux>\n` +
    `<PRM><Id_PRM>${prm}</Id_PRM>\n<Evenement_Declencheur><Type_Evenement>CONTRAT</Type_Evenement>` +
    `<Date_Evenement>${at}</Date_Evenement><Nature_Evenement>${nature}</Nature_Evenement>\n<Releves>\n` +
    reading(1, 'DI000003', before) +
    reading(2, 'DI000003', after) +
    `</Releves>\n</Evenement_Declencheur>\n</PRM>\n</C15>\n`
  );
}

export interface R15Reading {
  readonly prm: string;
  /** `Date_Releve`, a timestamp with its offset. */
  readonly at: string;
  /** `Date_Releve_Precedent`: where the period of the stated energies starts. */
  readonly previousAt: string;
  /** Index by distributor class, and the index at `previousAt` (`Valeur_Precedent`). */
  readonly index: Readonly<Record<string, string | number>>;
  readonly previousIndex: Readonly<Record<string, string | number>>;
  /** Energy of the period stated by distributor class (`Classe_Mesure` 2). */
  readonly energy: Readonly<Record<string, string | number>>;
  /** `Nature_Index` of the reading (REEL when absent): ESTIME for an estimated index. */
  readonly nature?: string;
}

/** Where an R15's unit is written: the header's `Unite_Mesure_Index`, or each value's `Unite_Mesure`. */
export interface R15Units {
  readonly header?: string;
  readonly value?: string;
}

/** An R15 flow holding these readings, one `PRM` element each. */
export function r15Flow(readings: readonly R15Reading[], units: R15Units = { value: 'kWh' }): string {
  const unit = units.value === undefined ? '' : `<Unite_Mesure>${units.value}</Unite_Mesure>`;
  const value = (cls: string, measure: 1 | 2, valeur: string | number, previous?: string | number) =>
    `<Classe_Temporelle_Distributeur><Id_Classe_Temporelle>${cls}</Id_Classe_Temporelle>` +
    `<Classe_Mesure>${measure}</Classe_Mesure>${unit}<Sens_Mesure>0</Sens_Mesure><Valeur>${valeur}</Valeur>` +
    (previous === undefined ? '' : `<Valeur_Precedent>${previous}</Valeur_Precedent>`) +
    `</Classe_Temporelle_Distributeur>\n`;
  const body = readings
    .map(
      (r) =>
        `<PRM><Id_PRM>${r.prm}</Id_PRM>\n<Donnees_Releve><Date_Releve>${r.at}</Date_Releve>` +
        `<Id_Calendrier_Distributeur>DI000001</Id_Calendrier_Distributeur><Id_Calendrier>FC022034</Id_Calendrier>\n` +
        `<Motif_Releve>CFNS</Motif_Releve><Nature_Index>${r.nature ?? 'REEL'}</Nature_Index>` +
        `<Date_Releve_Precedent>${r.previousAt}</Date_Releve_Precedent><Nature_Index_Precedent>REEL</Nature_Index_Precedent>\n` +
        Object.entries(r.index)
          .map(([cls, index]) => value(cls, 1, index, r.previousIndex[cls]))
          .join('') +
        Object.entries(r.energy)
          .map(([cls, energy]) => value(cls, 2, energy))
          .join('') +
        `</Donnees_Releve>\n</PRM>\n`,
    )
    .join('');
  const headerUnit = units.header === undefined ? '' : `<Unite_Mesure_Index>${units.header}</Unite_Mesure_Index>`;
  return (
    `<?xml version='1.0' encoding='UTF-8'?>\n<R15><En_Tete_Flux><Identifiant_Flux>R15</Identifiant_Flux>` +
    `<Libelle_Flux>Index et énergies des PRM des segments C5 et P4</Libelle_Flux>${headerUnit}</En_Tete_Flux>\n${body}</R15>\n`
  );
}

/** A C15 event with the situation after it, as a real C15 `PRM` block holds it. */
export interface C15ContractEvent {
  readonly prm: string;
  /** `Date_Evenement`, with its offset. */
  readonly at: string;
  /** `Nature_Evenement`: MES, PMES, CFNE, MCT, RES, CFNS… */
  readonly nature: string;
  /** `Ref_Situation_Contractuelle`; null leaves the element out. */
  readonly contract: string | null;
  readonly fta?: string;
  /** `Puissance_Souscrite`, as written (`6.0`). */
  readonly kva?: string | number;
  readonly calendar?: string;
  readonly state?: string;
  /** kWh indexes before and after the event (none by default: an event without readings). */
  readonly before?: Readonly<Record<string, number>>;
  readonly after?: Readonly<Record<string, number>>;
  readonly nature_index?: 'REEL' | 'ESTIME';
  /** `false` leaves `Structure_Tarifaire` out (no FTA, no kVA, no calendar), as events about the meter come. */
  readonly structure?: false;
}

/** A C15 flow of these events, one `PRM` block each, in the element order of the real sample. */
export function c15Flow(events: readonly C15ContractEvent[]): string {
  const reading = (e: C15ContractEvent, qualification: 1 | 2, values: Readonly<Record<string, number>> | undefined) =>
    values === undefined
      ? ''
      : `<Donnees_Releve><Code_Qualification>${qualification}</Code_Qualification><Date_Releve>${e.at}</Date_Releve>` +
        `<Id_Calendrier_Distributeur>${e.calendar ?? 'DI000003'}</Id_Calendrier_Distributeur><Nature_Index>${e.nature_index ?? 'REEL'}</Nature_Index>\n` +
        Object.entries(values)
          .map(
            ([cls, kwh]) =>
              `<Classe_Temporelle_Distributeur><Id_Classe_Temporelle>${cls}</Id_Classe_Temporelle><Classe_Mesure>1</Classe_Mesure>` +
              `<Unite_Mesure>kWh</Unite_Mesure><Sens_Mesure>0</Sens_Mesure><Valeur>${kwh}</Valeur></Classe_Temporelle_Distributeur>\n`,
          )
          .join('') +
        `</Donnees_Releve>\n`;
  const block = (e: C15ContractEvent) =>
    `<PRM><Id_PRM>${e.prm}</Id_PRM><Segment_Clientele>C5</Segment_Clientele>\n` +
    `<Evenement_Declencheur><Type_Evenement>CONTRAT</Type_Evenement><Date_Evenement>${e.at}</Date_Evenement>` +
    `<Nature_Evenement>${e.nature}</Nature_Evenement>\n` +
    (e.before === undefined && e.after === undefined
      ? ''
      : `<Releves>\n${reading(e, 1, e.before)}${reading(e, 2, e.after)}</Releves>\n`) +
    `</Evenement_Declencheur>\n<Situation_Contractuelle><Etat_Contractuel>${e.state ?? 'EN SERVICE'}</Etat_Contractuel>` +
    (e.contract === null ? '' : `<Ref_Situation_Contractuelle>${e.contract}</Ref_Situation_Contractuelle>`) +
    (e.structure === false
      ? '\n'
      : `\n<Structure_Tarifaire><Formule_Tarifaire_Acheminement>${e.fta ?? 'BTINFCU4'}</Formule_Tarifaire_Acheminement>` +
        `<Puissance_Souscrite>${e.kva ?? '6.0'}</Puissance_Souscrite><Unite_Puissance_Souscrite>kVA</Unite_Puissance_Souscrite>` +
        `<Id_Calendrier_Distributeur>${e.calendar ?? 'DI000003'}</Id_Calendrier_Distributeur></Structure_Tarifaire>\n`) +
    `</Situation_Contractuelle>\n</PRM>\n`;
  return (
    `<?xml version='1.0' encoding='UTF-8'?>\n<C15><En_Tete_Flux><Identifiant_Flux>C15</Identifiant_Flux></En_Tete_Flux>\n` +
    `${events.map(block).join('')}</C15>\n`
  );
}
