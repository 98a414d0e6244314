/**
 * Every registered dataset's metrics of a real day fit the dataset's metrics schema: the day its
 * demo runs, from the samples the demo serves on loopback, or for a dataset fed by drops the
 * fixtures' real files. A document that does not fit is refused by the check the metrics activity
 * makes before storing it: non-retryable, the dataset, the day and the field named.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { checkMetricsDocument } from '../../src/activities/metrics-document.js';
import { loadConfig } from '../../src/config/index.js';
import type { DemoCapability } from '../../src/datasets/capabilities/demo.js';
import type { AnyDataset } from '../../src/datasets/contract.js';
import { eco2mixDataset } from '../../src/datasets/eco2mix/module.js';
import { enedisDataset } from '../../src/datasets/enedis/module.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { findCapability } from '../../src/datasets/modules.js';
import { DATASET_MODULES, DATASET_NAMES } from '../../src/datasets/registry.js';
import { smartmeterDataset } from '../../src/datasets/smartmeter/module.js';
import { whatToDo } from '../../src/workflow-safe/failure-advice.js';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES } from '../../src/workflow-safe/errors.js';
import { runModuleDay } from '../support/module-day.js';
import { dayFile, ENEDIS_CONFIG, SMARTMETER_CONFIG } from '../support/real-days.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-metrics-schemas-');
const configs = loadConfig({}, DATASET_MODULES).datasets;
const SNAPSHOT_EVERY_MINUTES = 15;

let written = 0;
async function localFile(body: Uint8Array, file: Omit<DayFile, 'path' | 'sha256' | 'order' | 'options'>) {
  written += 1;
  const local = path.join(scratch.dir, `demo-${written}`);
  await writeFile(local, body);
  return { ...file, path: local, sha256: 'x', order: written, options: {} };
}

/** The raw files of the demo's day, as the download and the snapshot collector would have stored them. */
async function demoDayFiles(dataset: AnyDataset, demo: DemoCapability, config: unknown, date: string) {
  const snapshots = (await demo.snapshots?.(date, config, SNAPSHOT_EVERY_MINUTES)) ?? [];
  const files: DayFile[] = [];
  for (const input of dataset.inputs(date, config)) {
    if (input.kind === 'http') {
      const response = await fetch(input.url);
      expect(response.status, input.url).toBe(200);
      files.push(
        await localFile(new Uint8Array(await response.arrayBuffer()), { source: input.source, key: input.url }),
      );
    }
    if (input.kind === 'snapshot') {
      for (const s of snapshots.filter((taken) => taken.source === input.source)) {
        const snapshot = { slot: s.slot, takenAt: new Date(s.slot.start.getTime() + 30_000) };
        files.push(await localFile(s.body, { source: s.source, key: `${s.source}/${s.slot.name}`, snapshot }));
      }
    }
  }
  return files;
}

const withDemo = DATASET_MODULES.flatMap(({ dataset, capabilities }) => {
  const demo = findCapability(capabilities, 'demo');
  return demo ? [{ dataset, demo }] : [];
});

/** The datasets without a demo, each with real files of its fixtures. */
const smartMeterFile = path.join('test', 'fixtures', 'smartmeter', 'jaslemkaril_kaggle_ziya07_smart_meter_data.csv');
const enedisR151 = path.join('test', 'fixtures', 'enedis', 'electricore_r151.xml');
interface DropDay {
  readonly dataset: AnyDataset;
  readonly config: unknown;
  readonly date: string;
  readonly files: () => Promise<Array<{ body: Uint8Array; name: string; options: Record<string, string> }>>;
}
const fedByDrops: readonly DropDay[] = [
  {
    dataset: smartmeterDataset,
    config: SMARTMETER_CONFIG,
    date: '2024-01-15',
    files: () =>
      readFile(smartMeterFile).then((body) => [{ body, name: 'kaggle.csv', options: { meterId: 'kaggle-1' } }]),
  },
  {
    dataset: enedisDataset,
    config: ENEDIS_CONFIG,
    date: '2024-04-04',
    files: () => readFile(enedisR151).then((body) => [{ body, name: 'r151.xml', options: {} }]),
  },
];

describe("every registered dataset's metrics of a real day", () => {
  it('are covered here: a dataset with neither a demo nor a fixture day below would go unchecked', () => {
    const covered = new Set([...withDemo.map((d) => d.dataset.name), ...fedByDrops.map((d) => d.dataset.name)]);
    expect([...covered].sort()).toEqual([...DATASET_NAMES].sort());
  });

  it.each(withDemo.map((d) => [d.dataset.name, d] as const))(
    '%s: the demo day from its shipped samples fits the schema',
    async (_name, { dataset, demo }) => {
      const started = await demo.start(configs[dataset.name]);
      try {
        const files = await demoDayFiles(dataset, demo, started.config, demo.defaultDate);
        expect(files.length).toBeGreaterThan(0);
        const day = await runModuleDay(dataset, started.config, scratch, demo.defaultDate, files);
        const checked = dataset.metricsSchema.safeParse(day.metrics?.document);
        expect(checked.error).toBeUndefined();
        expect(day.transform.rows.written).toBeGreaterThan(0);
      } finally {
        await started.close();
      }
    },
  );

  it.each(fedByDrops.map((d) => [`${d.dataset.name} ${d.date}`, d] as const))(
    '%s: a day of the real files fits the schema',
    async (_name, { dataset, config, date, files }) => {
      const dayFiles = await Promise.all((await files()).map((f) => dayFile(scratch, f.body, f.name, f.options)));
      const day = await runModuleDay(dataset, config, scratch, date, dayFiles);
      const checked = dataset.metricsSchema.safeParse(day.metrics?.document);
      expect(checked.error).toBeUndefined();
      expect(day.transform.rows.written).toBeGreaterThan(0);
    },
  );
});

describe('the check before a metrics document is stored', () => {
  const document = {
    dataset: 'eco2mix',
    date: '2022-06-03',
    timezone: 'Europe/Paris',
    source: 'realtime',
    stepMinutes: 15,
    points: 96,
    expectedPoints: 96,
    completeness: 1,
    consumption: { energyMWh: 1, peakMW: 1, peakAt: null, minMW: 1, minAt: null, meanMW: 1 },
    production: {
      totalMWh: 1,
      bySourceMWh: {
        fioul: 0,
        charbon: 0,
        gaz: 0,
        nucleaire: 1,
        eolien: 0,
        solaire: 0,
        hydraulique: 0,
        bioenergies: 0,
      },
      lowCarbonSharePct: 100,
    },
    exchanges: { netImportMWh: 0 },
    co2: { meanIntensityGPerKWh: 5 },
    forecast: { dayAheadMAPEPct: null },
  };

  it('lets a document that fits through', () => {
    expect(() => checkMetricsDocument(eco2mixDataset, '2022-06-03', document)).not.toThrow();
  });

  it('refuses one the metrics code got wrong: non-retryable, the dataset, the day and the field named', () => {
    const wrong = { ...document, points: '96' };
    let failure: unknown;
    try {
      checkMetricsDocument(eco2mixDataset, '2022-06-03', wrong);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ApplicationFailure);
    const { type, nonRetryable, message } = failure as ApplicationFailure;
    expect({ type, nonRetryable }).toEqual({ type: ErrorType.MetricsSchema, nonRetryable: true });
    expect(message).toMatch(/^eco2mix 2022-06-03: .*metrics schema/);
    expect(message).toContain('points');
    // An operator reads what to fix, and no retry policy retries it.
    expect(whatToDo(type ?? '', 'eco2mix', '2022-06-03')).toContain('src/datasets/eco2mix/metrics-schema.ts');
    expect(NON_RETRYABLE_ERROR_TYPES).toContain(ErrorType.MetricsSchema);
  });
});
