/**
 * The billing bench's scenario: contracts of C5 points over one calendar month, their C15 events
 * (entries, exits, MCT changes of kVA or FTA, events without index, re-entries on the same point)
 * and their meters' R151 daily indexes with missing days. Seeded: the same options give the same
 * scenario on every machine. Pure: the writers (`flow-xml-writers.ts`, `flow-tables.ts`) turn it
 * into files.
 *
 * A meter's index is a function of the date alone (a start and a daily rise per class), so a C15
 * reading at an event and the R151 readings around it always agree.
 */
import { seededRandom, seedOf } from '../lib/random.js';

/** Distributor classes by distributor calendar (`Id_Calendrier_Distributeur`). */
export const CALENDAR_CLASSES = {
  DI000001: ['BASE'],
  DI000002: ['HP', 'HC'],
  DI000003: ['HPH', 'HCH', 'HPB', 'HCB'],
} as const;
export type Calendar = keyof typeof CALENDAR_CLASSES;

/** FTAs used, with their calendar: CU4 and MU4 share the four-class calendar, so an MCT between them keeps the registers. */
export const FTA_CALENDAR = {
  BTINFCU4: 'DI000003',
  BTINFMU4: 'DI000003',
  BTINFCUST: 'DI000001',
  BTINFMUDT: 'DI000002',
} as const satisfies Record<string, Calendar>;
export type Fta = keyof typeof FTA_CALENDAR;

export type EventNature = 'CFNE' | 'MES' | 'RES' | 'CFNS' | 'MCT' | 'MDPRM';

/** A C15 event: one `PRM` block, the situation after it, and its readings (kWh) when metering was affected. */
export interface ContractEvent {
  readonly pdl: string;
  readonly rsc: string;
  readonly nature: EventNature;
  /** The Paris date of the event; it happens at 00:01 Paris time. */
  readonly date: string;
  readonly state: 'EN SERVICE' | 'RESILIE';
  readonly kva: number;
  readonly fta: Fta;
  /** False: the event states no `Structure_Tarifaire` (its FTA and kVA are the contract's as before). */
  readonly statesTariff: boolean;
  /** Index before (`Code_Qualification` 1) and after (2) the event; null: none given. */
  readonly before: boolean;
  readonly after: boolean;
}

/** One point's meter: the daily indexes of its registers, and the days its R151 misses. */
export interface Meter {
  readonly pdl: string;
  readonly calendar: Calendar;
  readonly serial: string;
  /** Wh at the end of day 0 (`EPOCH`) and Wh a day, per class of the calendar. */
  readonly startWh: readonly number[];
  readonly dailyWh: readonly number[];
  /** R151 `Date_Releve`s present (each the index at the end of that Paris day). */
  readonly readingDates: readonly string[];
}

/** What a contract of the scenario exercises (one per rule in the small scenario). */
export const KINDS = [
  'steady-4-classes',
  'steady-base',
  'steady-hp-hc',
  'entry-with-index',
  'entry-without-index',
  'exit',
  'mct-kva-without-index',
  'mct-fta-with-index',
  'mct-kva-twice',
  'mdprm-no-change',
  're-entry',
  'entry-and-exit',
  'month-start-reading-missing',
  'days-missing',
  'event-without-tariff',
  'same-instant-correction',
] as const;
export type Kind = (typeof KINDS)[number];

export interface Scenario {
  /** `YYYY-MM`. */
  readonly month: string;
  readonly events: readonly ContractEvent[];
  readonly meters: readonly Meter[];
  /** The kind of each point, for reading the outputs. */
  readonly kinds: ReadonlyMap<string, Kind>;
}

const MS_PER_DAY = 86_400_000;
const EPOCH = Date.UTC(2020, 0, 1);
export const dayNumber = (date: string): number => Math.round((Date.parse(`${date}T00:00:00Z`) - EPOCH) / MS_PER_DAY);
export const dateOf = (day: number): string => new Date(EPOCH + day * MS_PER_DAY).toISOString().slice(0, 10);

/** The last Sunday of `month` (1-12) of `year`, as a day number. */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month, 0));
  return dayNumber(last.toISOString().slice(0, 10)) - last.getUTCDay();
}

/** Paris' UTC offset at 00:01 on `date` (summer time starts and ends at 02:00/03:00, after 00:01). */
export function parisOffset(date: string): '+01:00' | '+02:00' {
  const year = Number(date.slice(0, 4));
  const day = dayNumber(date);
  return day > lastSunday(year, 3) && day <= lastSunday(year, 10) ? '+02:00' : '+01:00';
}

/** Wh index of each class of `meter` at the end of `date`. */
export function indexWh(meter: Meter, date: string): number[] {
  const day = dayNumber(date);
  return meter.startWh.map((start, k) => start + (meter.dailyWh[k] ?? 0) * day);
}

/** kWh index of each class at an event of `date` (00:01): the index at the end of the day before, floored. */
export function eventIndexKwh(meter: Meter, date: string): number[] {
  return indexWh(meter, dateOf(dayNumber(date) - 1)).map((wh) => Math.floor(wh / 1000));
}

export interface ScenarioOptions {
  readonly month: string;
  readonly contracts: number;
  readonly seed: string;
  /** `small`: one point per kind, in order (then steady ones); `large`: kinds drawn with realistic weights. */
  readonly mix: 'small' | 'large';
}

/** Weights of the large mix, per 1 000 contracts. */
const LARGE_WEIGHTS: Readonly<Record<Kind, number>> = {
  'steady-4-classes': 560,
  'steady-base': 200,
  'steady-hp-hc': 100,
  'entry-with-index': 25,
  'entry-without-index': 5,
  exit: 30,
  'mct-kva-without-index': 25,
  'mct-fta-with-index': 10,
  'mct-kva-twice': 3,
  'mdprm-no-change': 10,
  're-entry': 5,
  'entry-and-exit': 2,
  'month-start-reading-missing': 10,
  'days-missing': 15,
  // In the small month only: the large one keeps the proportions (and the draws) it was measured with.
  'event-without-tariff': 0,
  'same-instant-correction': 0,
};

function drawKind(random: () => number): Kind {
  let left = random() * 1000;
  for (const kind of KINDS) {
    left -= LARGE_WEIGHTS[kind];
    if (left < 0) return kind;
  }
  return 'steady-4-classes';
}

const KVAS = [3, 6, 9, 12, 15, 18, 24, 30, 36] as const;

/** Builds the scenario of `options`: deterministic for the same options. */
export function buildScenario(options: ScenarioOptions): Scenario {
  const random = seededRandom(seedOf(`billing-${options.seed}-${options.month}`));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const firstDay = dayNumber(`${options.month}-01`);
  const [year, month] = options.month.split('-').map(Number) as [number, number];
  const lastDay = dayNumber(new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10));
  const midMonth = () => firstDay + 1 + Math.floor(random() * (lastDay - firstDay - 1));

  const events: ContractEvent[] = [];
  const meters: Meter[] = [];
  const kinds = new Map<string, Kind>();

  for (let i = 0; i < options.contracts; i += 1) {
    const kind: Kind = options.mix === 'small' ? (KINDS[i] ?? 'steady-4-classes') : drawKind(random);
    const pdl = `99${String(i + 1).padStart(12, '0')}`;
    const rsc = String(100_000_000 + i * 2);
    const fta: Fta =
      kind === 'steady-base'
        ? 'BTINFCUST'
        : kind === 'steady-hp-hc'
          ? 'BTINFMUDT'
          : kind === 'mct-fta-with-index'
            ? 'BTINFCU4'
            : kind.startsWith('steady') || options.mix === 'small'
              ? 'BTINFCU4'
              : pick(['BTINFCU4', 'BTINFCU4', 'BTINFMU4', 'BTINFCUST', 'BTINFMUDT'] as const);
    const calendar = FTA_CALENDAR[fta];
    const kva = pick(KVAS.slice(0, 6));
    const event = (nature: EventNature, day: number, changes: Partial<ContractEvent> = {}): ContractEvent => ({
      pdl,
      rsc,
      nature,
      date: dateOf(day),
      state: nature === 'RES' || nature === 'CFNS' ? 'RESILIE' : 'EN SERVICE',
      kva,
      fta,
      statesTariff: true,
      before: false,
      after: false,
      ...changes,
    });
    // Points entered before the month came in 2 to 14 months earlier, with an index.
    const pastEntry = firstDay - 60 - Math.floor(random() * 365);
    const own: ContractEvent[] = [];
    let active: [number, number] = [pastEntry, lastDay];

    switch (kind) {
      case 'entry-with-index':
      case 'entry-without-index': {
        const day = midMonth();
        own.push(event(pick(['CFNE', 'MES'] as const), day, { after: kind === 'entry-with-index' }));
        active = [day, lastDay];
        break;
      }
      case 'exit': {
        const day = midMonth();
        own.push(
          event('CFNE', pastEntry, { after: true }),
          event(pick(['RES', 'CFNS'] as const), day, { before: true }),
        );
        active = [pastEntry, day - 1];
        break;
      }
      case 'mct-kva-without-index':
        own.push(
          event('CFNE', pastEntry, { after: true }),
          event('MCT', midMonth(), { kva: kva === 36 ? 30 : kva + 3 }),
        );
        break;
      case 'mct-fta-with-index':
        own.push(
          event('CFNE', pastEntry, { after: true }),
          event('MCT', midMonth(), { fta: 'BTINFMU4', before: true, after: true }),
        );
        break;
      case 'mct-kva-twice': {
        const first = firstDay + 3 + Math.floor(random() * 8);
        own.push(
          event('CFNE', pastEntry, { after: true }),
          event('MCT', first, { kva: kva + 3 }),
          event('MCT', first + 7 + Math.floor(random() * 8), { kva: kva + 6 }),
        );
        break;
      }
      case 'mdprm-no-change':
        own.push(event('CFNE', pastEntry, { after: true }), event('MDPRM', midMonth()));
        break;
      case 're-entry': {
        const day = midMonth();
        own.push(
          event('CFNE', pastEntry, { after: true }),
          event('CFNS', day, { before: true }),
          event('CFNE', day, { rsc: String(100_000_000 + i * 2 + 1), after: true, kva: kva + 3 }),
        );
        break;
      }
      case 'entry-and-exit': {
        const day = firstDay + 2 + Math.floor(random() * 10);
        const exit = day + 8 + Math.floor(random() * 10);
        own.push(event('MES', day, { after: true }), event('RES', exit, { before: true }));
        active = [day, exit - 1];
        break;
      }
      case 'event-without-tariff':
        own.push(event('CFNE', pastEntry, { after: true }), event('MDPRM', midMonth(), { statesTariff: false }));
        break;
      case 'same-instant-correction': {
        // An MCT sent again at the same instant with another kVA: the one delivered last holds.
        const day = midMonth();
        own.push(
          event('CFNE', pastEntry, { after: true }),
          event('MCT', day, { kva: kva + 6 }),
          event('MCT', day, { kva: kva + 3 }),
        );
        break;
      }
      default:
        own.push(event('CFNE', pastEntry, { after: true }));
    }
    events.push(...own);
    kinds.set(pdl, kind);

    // R151: from the day before the month (the index at its first midnight) to its last day,
    // for the days the point is in the perimeter; about 2 % of days missing everywhere.
    const readingDates: string[] = [];
    const missRate = kind === 'days-missing' ? 0.25 : 0.02;
    for (let day = Math.max(firstDay - 1, active[0]); day <= Math.min(lastDay, active[1]); day += 1) {
      const boundary = day === firstDay - 1 || day === lastDay;
      if (kind === 'month-start-reading-missing' && day === firstDay - 1) continue;
      if (!boundary && random() < missRate) continue;
      readingDates.push(dateOf(day));
    }
    const classes = CALENDAR_CLASSES[calendar].length;
    meters.push({
      pdl,
      calendar,
      serial: String(10_000_000_000_000 + i),
      startWh: Array.from({ length: classes }, () => Math.floor(random() * 30_000_000)),
      dailyWh: Array.from({ length: classes }, () => 800 + Math.floor(random() * 8_000)),
      readingDates,
    });
  }
  return { month: options.month, events, meters, kinds };
}
