/**
 * courant's billing as a `BillingTool` of the billing bench, from either of two starts:
 *
 * - `xml`: the scenario's C15 and R151 XML ingested as a user would (`courant ingest --dataset enedis
 *   --dir xml/ --wait` on a Temporal dev server, the document store and a `courant worker`), then
 *   `courant billing --month M --format json`;
 * - `stored`: the month's flows taken as already ingested — the Enedis days' tables courant stores
 *   (`stored-tables.ts`) written by DuckDB from the flow tables — then the same `courant billing`.
 *
 * Only `courant billing` is measured: wall time and peak RSS of its process (`/usr/bin/time -v`),
 * start-up included. Its JSON is read into the bench's `MonthlyRow`s.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { runCli } from '../../test/support/run-cli.js';
import { startWorkerProcess } from '../../test/support/worker-process.js';
import { installChildCleanup } from '../lib/child.js';
import { startBenchServers, withDocumentStore } from '../lib/servers.js';
import type { BillingTool, MonthlyRow, ToolRun } from './electricore-bench.js';
import type { GeneratedScenario } from './generate.js';
import { writeStoredTables } from './stored-tables.js';
import { loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { createRecordStore } from '../../src/storage/index.js';
import { succeededRun } from '../../test/support/console-days.js';

const run = promisify(execFile);

const amount = z.number().nullable();
const CourantBilling = z.object({
  month: z.string(),
  contracts: z.array(
    z.object({
      prm: z.string(),
      contract: z.string().nullable(),
      fta: z.string().nullable(),
      days: z.number().int(),
      meanKva: z.number().nullable(),
      energyKWh: z.object({ base: amount, hp: amount, hc: amount }),
      turpeFixedEur: amount,
      turpeVariableEur: amount,
      ctaEur: amount,
      quality: z.enum(['real', 'estimated', 'missing']).nullable(),
      problems: z.array(z.object({ code: z.string(), message: z.string() })),
    }),
  ),
});
export type CourantBilling = z.infer<typeof CourantBilling>;

/** electricore's words for courant's qualities. */
const QUALITY = { real: 'réelle', estimated: 'estimée', missing: 'incalculable' } as const;

/** courant's JSON as the bench's rows. */
export function courantRows(billing: CourantBilling): MonthlyRow[] {
  return billing.contracts.map((c) => ({
    ref_situation_contractuelle: c.contract ?? '',
    pdl: c.prm,
    mois_annee: billing.month,
    nb_jours: c.days,
    puissance_moyenne_kva: c.meanKva,
    formule_tarifaire_acheminement: c.fta,
    energie_base_kwh: c.energyKWh.base,
    energie_hp_kwh: c.energyKWh.hp,
    energie_hc_kwh: c.energyKWh.hc,
    qualite: c.quality === null ? null : QUALITY[c.quality],
    turpe_fixe_eur: c.turpeFixedEur,
    turpe_variable_eur: c.turpeVariableEur,
    cta_eur: c.ctaEur,
  }));
}

/** `/usr/bin/time -v`'s wall time (s), CPU time (s) and peak RSS (bytes) from its report. */
export function timeReport(stderr: string): { wallS: number; cpuS: number; peakRssBytes: number } {
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  if (wall === null || rss === null) throw new Error(`no /usr/bin/time report in:\n${stderr.slice(-2000)}`);
  const [, h = '0', m = '0', s = '0'] = wall;
  const cpu = (field: string) => Number(new RegExp(`${field} time \\(seconds\\): ([\\d.]+)`).exec(stderr)?.[1] ?? NaN);
  return {
    wallS: Number(h) * 3600 + Number(m) * 60 + Number(s),
    cpuS: cpu('User') + cpu('System'),
    peakRssBytes: Number(rss[1]) * 1024,
  };
}

/** `courant billing --month M --format json` on `env`'s storage, its JSON written to `outDir/billing.json`. */
export async function timeCourantBilling(
  month: string,
  env: Readonly<Record<string, string>>,
  outDir: string,
): Promise<{ wallS: number; cpuS: number; peakRssBytes: number; billing: CourantBilling }> {
  await mkdir(outDir, { recursive: true });
  const output = path.join(outDir, 'billing.json');
  const command = `exec node ${path.join(PROJECT_ROOT, 'bin', 'courant.js')} billing --month ${month} --format json > ${output}`;
  const { stderr } = await run('/usr/bin/time', ['-v', 'bash', '-c', command], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    maxBuffer: 64 * 2 ** 20,
  }).catch((error: unknown) => {
    throw new Error(`courant billing --month ${month} failed`, { cause: error });
  });
  const billing = CourantBilling.parse(JSON.parse(await readFile(output, 'utf8')));
  return { ...timeReport(stderr), billing };
}

function toolRun(measured: Awaited<ReturnType<typeof timeCourantBilling>>, detail: Record<string, number>): ToolRun {
  return {
    tool: 'courant',
    wallS: measured.wallS,
    peakRssBytes: measured.peakRssBytes,
    rows: courantRows(measured.billing),
    detail: {
      ...detail,
      cpu_s: measured.cpuS,
      with_problems: measured.billing.contracts.filter((c) => c.problems.length > 0).length,
    },
  };
}

/** The scenario's XML ingested on a stack of its own, then billed. */
export const courantFromXml: BillingTool = {
  name: 'courant',
  async run(scenario: GeneratedScenario, outDir: string) {
    installChildCleanup();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-billing-'));
    const servers = await startBenchServers(path.join(dir, 'servers'), dir);
    const env = {
      TEMPORAL_ADDRESS: servers.temporalAddress,
      TEMPORAL_TASK_QUEUE: 'courant',
      MONGODB_URL: `${servers.mongoBase}/billing_bench`,
      DATA_DIR: path.join(dir, 'data'),
      STORAGE_MODE: 'local',
    };
    const worker = startWorkerProcess(env);
    try {
      await worker.ready;
      const started = performance.now();
      const ingest = await runCli(
        ['ingest', '--dataset', 'enedis', '--dir', path.join(scenario.dir, 'xml'), '--wait'],
        env,
      );
      await writeFile(path.join(scenario.dir, 'courant-ingest.log'), `${ingest.stdout}\n${ingest.stderr}`);
      if (ingest.code !== 0)
        throw new Error(`courant ingest failed (exit ${ingest.code}):\n${ingest.stdout}\n${ingest.stderr}`);
      const ingestS = (performance.now() - started) / 1000;
      return toolRun(await timeCourantBilling(scenario.month, env, outDir), { ingest_s: ingestS });
    } finally {
      await worker.kill('SIGTERM');
      await servers.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/** The month's flows as courant stores them once ingested (DuckDB from the flow tables), then billed. */
export const courantFromStored: BillingTool = {
  name: 'courant',
  async run(scenario: GeneratedScenario, outDir: string) {
    installChildCleanup();
    const dataDir = path.join(scenario.dir, 'courant-store');
    const started = performance.now();
    const stored = await writeStoredTables(scenario.tables, dataDir);
    const storeS = (performance.now() - started) / 1000;
    return withDocumentStore('courant-bench-billing-', async ({ mongoBase }) => {
      const env = { MONGODB_URL: `${mongoBase}/billing_bench`, DATA_DIR: dataDir, STORAGE_MODE: 'local' };
      // Each stored day succeeded, as the Enedis days that store them record: billing reads only those.
      const records = await createRecordStore(loadConfig(env, DATASET_MODULES));
      try {
        for (const date of stored.dates) await records.upsertDayRun(succeededRun('enedis', date));
      } finally {
        await records.close();
      }
      return toolRun(await timeCourantBilling(scenario.month, env, outDir), {
        store_s: storeS,
        event_days: stored.eventDays,
        reading_days: stored.readingDays,
      });
    });
  },
};
