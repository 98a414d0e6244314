/**
 * Every real day the project ships, per dataset, as the day's tables a quality check reads: the
 * eCO2mix samples (real time December 2021, 2016-06 from RTE's file, 2025-08-22; the consolidated
 * 2024-01 excerpt), the Kaggle smart-meter file (105 days) and the Enedis R151 and C15 samples.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DayFile } from '../../src/datasets/inputs.js';
import { loadDemoExports } from '../../src/datasets/eco2mix/demo/sample-exports.js';
import type { Eco2mixRecord } from '../../src/datasets/eco2mix/record.js';
import { rteDayExport, rteDaySources } from '../../src/datasets/eco2mix/rte/export.js';
import { coveredDays, parseRteFile } from '../../src/datasets/eco2mix/rte/file.js';
import { enedisDataset } from '../../src/datasets/enedis/module.js';
import { smartmeterDataset } from '../../src/datasets/smartmeter/module.js';
import type { RowCounts } from '../../src/workflow-safe/day-records.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { ECO2MIX_FIXTURE_FILES, eco2mixFixturePath, loadSampleDay, readEco2mixFixture } from './eco2mix-fixtures.js';
import type { Eco2mixReader } from './eco2mix-read.js';
import { runModuleDay } from './module-day.js';
import type { ScratchDuckDb } from './scratch-duckdb.js';

export interface RealEco2mixDay {
  readonly source: string;
  readonly date: string;
  readonly records: Eco2mixRecord[];
  /** Real-time quarter-hours of a whole day (the consolidated excerpt holds 24 scattered rows): where faults and glitches are injected. */
  readonly realtime: boolean;
}

/** Every eCO2mix day of the samples, as the transform writes it. */
export async function realEco2mixDays(eco2mix: Eco2mixReader): Promise<RealEco2mixDay[]> {
  const days: RealEco2mixDay[] = [];
  const december = (await loadDemoExports())['eco2mix-national-tr'] ?? '';
  for (const date of datesInRange('2021-12-01', '2021-12-31')) {
    const { records } = await eco2mix.transform(date, [['realtime', december]]);
    days.push({ source: 'real time 2021-12 (ODRÉ export)', date, records, realtime: true });
  }
  const june = parseRteFile(
    new Uint8Array(await readFile(eco2mixFixturePath('vomain_dubonjus_eCO2mix_RTE_En-cours-TR_2016-06.xls'))),
    'june.xls',
  );
  for (const date of coveredDays(june)) {
    const exports = rteDaySources(june, date).map(
      (source) => [source, rteDayExport(june, date, source)?.csv ?? ''] as const,
    );
    const { records } = await eco2mix.transform(date, exports);
    days.push({ source: 'real time 2016-06 (RTE file)', date, records, realtime: true });
  }
  const sample = loadSampleDay();
  const { records } = await eco2mix.transform(sample.date, [['realtime', sample.realtimeCsv]]);
  days.push({ source: 'real time 2025-08-22 (ODRÉ records)', date: sample.date, records, realtime: true });
  const consolidated = readEco2mixFixture(ECO2MIX_FIXTURE_FILES.consDef2024);
  for (const date of ['2024-01-01', '2024-01-02']) {
    const { records } = await eco2mix.transform(date, [['consolidated', consolidated]]);
    days.push({ source: 'consolidated 2024-01 (excerpt)', date, records, realtime: false });
  }
  return days;
}

export interface ModuleTables {
  readonly date: string;
  /** Local path and storage key by table name. */
  readonly tables: Record<string, { path: string; key: string }>;
  readonly rows: RowCounts;
}

let copies = 0;
/** A file of the scratch directory as a delivered day file. */
export async function dayFile(
  scratch: ScratchDuckDb,
  body: string | Uint8Array,
  name: string,
  options: Record<string, string> = {},
): Promise<DayFile> {
  copies += 1;
  const file = path.join(scratch.dir, `${copies}-${name}`);
  await writeFile(file, body);
  return {
    source: 'drop',
    key: `raw/x/${copies}-${name}`,
    path: file,
    sha256: await sha256OfFile(file),
    order: 0,
    options,
  };
}

async function tablesOf<TConfig>(
  module: Parameters<typeof runModuleDay<TConfig>>[0],
  config: TConfig,
  scratch: ScratchDuckDb,
  date: string,
  files: readonly DayFile[],
): Promise<ModuleTables> {
  const day = await runModuleDay(module, config, scratch, date, files, { metrics: false });
  return {
    date,
    tables: Object.fromEntries(
      day.transform.tables.map((t) => [
        t,
        { path: day.tablePath(t), key: `processed/${module.name}/dt=${date}/${t}.parquet` },
      ]),
    ),
    rows: day.transform.rows,
  };
}

export const SMARTMETER_CONFIG = { stepMinutes: 30, dueHours: null };
const KAGGLE = path.join('test', 'fixtures', 'smartmeter', 'jaslemkaril_kaggle_ziya07_smart_meter_data.csv');

/** The 105 Paris days of the Kaggle smart-meter file, in order. */
export async function realSmartMeterDays(scratch: ScratchDuckDb): Promise<ModuleTables[]> {
  const file = await dayFile(scratch, await readFile(KAGGLE), 'kaggle.csv', { meterId: 'kaggle-1' });
  const days: ModuleTables[] = [];
  for (const date of datesInRange('2024-01-01', '2024-04-14')) {
    days.push(await tablesOf(smartmeterDataset, SMARTMETER_CONFIG, scratch, date, [file]));
  }
  return days;
}

export const ENEDIS_CONFIG = { jumpKWh: 1000 };
const ENEDIS = path.join('test', 'fixtures', 'enedis');

/** The Enedis samples' days: the R151 closes 2024-04-04, the C15's events fall on 2024-10-04. */
export async function realEnedisDays(scratch: ScratchDuckDb): Promise<ModuleTables[]> {
  const r151 = await dayFile(scratch, await readFile(path.join(ENEDIS, 'electricore_r151.xml')), 'r151.xml');
  const c15 = await dayFile(scratch, await readFile(path.join(ENEDIS, 'electricore_c15_avec_releves.xml')), 'c15.xml');
  return [
    await tablesOf(enedisDataset, ENEDIS_CONFIG, scratch, '2024-04-04', [r151]),
    await tablesOf(enedisDataset, ENEDIS_CONFIG, scratch, '2024-10-04', [c15]),
  ];
}

/**
 * The real R151 closing 2024-04-04 as the day before, and the same flow a day later with its
 * first index `wh` Wh lower than the day before: an index going down.
 */
export async function enedisIndexDown(
  scratch: ScratchDuckDb,
  wh: number,
): Promise<{ before: ModuleTables; day: ModuleTables }> {
  const text = await readFile(path.join(ENEDIS, 'electricore_r151.xml'), 'utf8');
  const later = text
    .replaceAll('<Date_Releve>2024-04-04</Date_Releve>', '<Date_Releve>2024-04-05</Date_Releve>')
    .replace(/<Valeur>(\d+)<\/Valeur>/, (_, value: string) => `<Valeur>${Number(value) - wh}</Valeur>`);
  if (later === text) throw new Error('the R151 sample changed: nothing to lower');
  return {
    before: await tablesOf(enedisDataset, ENEDIS_CONFIG, scratch, '2024-04-04', [
      await dayFile(scratch, text, 'r151.xml'),
    ]),
    day: await tablesOf(enedisDataset, ENEDIS_CONFIG, scratch, '2024-04-05', [
      await dayFile(scratch, later, 'r151-down.xml'),
    ]),
  };
}
