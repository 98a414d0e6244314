/**
 * courant's billing as a `BillingTool` of the billing bench, from either of two starts:
 *
 * - `xml`: the scenario's C15 and R151 XML ingested as a user would (`courant ingest --dataset enedis
 *   --dir xml/ --wait`), then `courant billing --month M --format json`;
 * - `stored`: the month's flows taken as already ingested — the Enedis days' tables courant stores
 *   (`stored-tables.ts`) written by DuckDB from the flow tables — then the same `courant billing`.
 *
 * Both on a stack of their own (billing-stack.ts): the command asks the month's workflow, which
 * bills in the worker. Only the billing is measured: the command's wall time (request to the month
 * printed), the worker's peak RSS and CPU during it, the command's own CPU and peak RSS. Its JSON
 * is read into the bench's `MonthlyRow`s.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { createRecordStore } from '../../src/storage/index.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { succeededRun } from '../../test/support/console-days.js';
import { runCli } from '../../test/support/run-cli.js';
import { withBillingStack, type BillingStack, type StackStep } from './billing-stack.js';
import type { BillingTool, MonthlyRow, ToolRun } from './electricore-bench.js';
import type { GeneratedScenario } from './generate.js';
import { writeStoredTables } from './stored-tables.js';

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

/**
 * `courant billing --month M --format json` on `stack` (its worker bills the month), its JSON
 * written to `outDir/billing.json`: the command's wall time, CPU and peak RSS, and the worker's.
 */
export async function timeCourantBilling(
  month: string,
  stack: BillingStack,
  outDir: string,
): Promise<StackStep & { billing: CourantBilling }> {
  await mkdir(outDir, { recursive: true });
  const output = path.join(outDir, 'billing.json');
  const step = await stack.time(['billing', '--month', month, '--format', 'json'], output, workflowIds.billing(month));
  const billing = CourantBilling.parse(JSON.parse(await readFile(output, 'utf8')));
  return { ...step, billing };
}

/**
 * The bench's figures of a billing: wall time the command's (the request to the month printed),
 * peak RSS the worker's during it (where the month is billed), CPU the worker's and the command's
 * together; each part in `detail`.
 */
function toolRun(measured: Awaited<ReturnType<typeof timeCourantBilling>>, detail: Record<string, number>): ToolRun {
  return {
    tool: 'courant',
    wallS: measured.wallS,
    peakRssBytes: measured.worker.peakRssBytes,
    rows: courantRows(measured.billing),
    detail: {
      ...detail,
      cpu_s: measured.worker.cpuS + measured.cpuS,
      billing_activity_s: measured.activitySeconds.billStoredMonth ?? 0,
      worker_cpu_s: measured.worker.cpuS,
      worker_rss_before_bytes: measured.worker.rssBeforeBytes,
      command_cpu_s: measured.cpuS,
      command_peak_rss_bytes: measured.peakRssBytes,
      with_problems: measured.billing.contracts.filter((c) => c.problems.length > 0).length,
    },
  };
}

/** The scenario's XML ingested on a stack of its own, then billed on it. */
export const courantFromXml: BillingTool = {
  name: 'courant',
  async run(scenario: GeneratedScenario, outDir: string) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-billing-xml-'));
    try {
      return await withBillingStack(
        'courant-bench-billing-',
        { dataDir, logFile: path.join(scenario.dir, 'courant-xml-worker.log') },
        async (stack) => {
          const started = performance.now();
          const ingest = await runCli(
            ['ingest', '--dataset', 'enedis', '--dir', path.join(scenario.dir, 'xml'), '--wait'],
            { ...stack.env },
          );
          await writeFile(path.join(scenario.dir, 'courant-ingest.log'), `${ingest.stdout}\n${ingest.stderr}`);
          if (ingest.code !== 0)
            throw new Error(`courant ingest failed (exit ${ingest.code}):\n${ingest.stdout}\n${ingest.stderr}`);
          const ingestS = (performance.now() - started) / 1000;
          return toolRun(await timeCourantBilling(scenario.month, stack, outDir), { ingest_s: ingestS });
        },
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};

/** The month's flows as courant stores them once ingested (DuckDB from the flow tables), then billed on a stack. */
export const courantFromStored: BillingTool = {
  name: 'courant',
  async run(scenario: GeneratedScenario, outDir: string) {
    const dataDir = path.join(scenario.dir, 'courant-store');
    const started = performance.now();
    const stored = await writeStoredTables(scenario.tables, dataDir);
    const storeS = (performance.now() - started) / 1000;
    return withBillingStack(
      'courant-bench-billing-',
      { dataDir, logFile: path.join(scenario.dir, 'courant-worker.log') },
      async (stack) => {
        // Each stored day succeeded, as the Enedis days that store them record: billing reads only those.
        const records = await createRecordStore(loadConfig(stack.env, DATASET_MODULES));
        try {
          for (const date of stored.dates) await records.upsertDayRun(succeededRun('enedis', date));
        } finally {
          await records.close();
        }
        return toolRun(await timeCourantBilling(scenario.month, stack, outDir), {
          store_s: storeS,
          event_days: stored.eventDays,
          reading_days: stored.readingDays,
        });
      },
    );
  },
};
