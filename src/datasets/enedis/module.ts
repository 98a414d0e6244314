/**
 * Enedis meter-reading flows: R151 (daily Linky indexes), R15 (periodic indexes and the energies
 * they state) and C15 (contract events with readings), XML files or zips of them dropped in
 * `inbox/enedis/` (by hand or by the SFTP pickup, encrypted or not) or given to `courant ingest`, read in a stream and turned into Parquet tables of
 * index readings, stated energies and C15 contract events per Paris day, the day whose end each
 * reading or event closes.
 */
import { dropFiles } from '../capabilities/drop.js';
import { periodEnergies } from '../capabilities/energies.js';
import { qualityChecks } from '../capabilities/quality-checks.js';
import { sftpPickup } from '../capabilities/sftp-pickup.js';
import { statusNotes } from '../capabilities/status-notes.js';
import { defineDataset } from '../contract.js';
import { eachDayMetrics, eachDayTransform } from '../each-day.js';
import type { DatasetModule } from '../modules.js';
import { enedisChecks } from './checks.js';
import { enedisConfig } from './config.js';
import { enedisMetrics } from './day-metrics.js';
import { EVENT_TABLE, INDEX_TABLE, STATED_TABLE, transformEnedisFiles } from './day-transform.js';
import { DELIVERY_TABLE } from './delivery-table.js';
import { enedisDrop } from './drop.js';
import { enedisEnergies } from './energies.js';
import { enedisMetricsSchema } from './metrics-schema.js';
import { enedisReport } from './report.js';
import { enedisStatusNotes } from './status-notes.js';
import { withQueryDb } from './turns.js';

export const enedisDataset = defineDataset({
  name: 'enedis',
  title: 'Enedis meter readings',
  config: enedisConfig,
  tables: [INDEX_TABLE, STATED_TABLE, DELIVERY_TABLE, EVENT_TABLE],
  metricsSchema: enedisMetricsSchema,
  inputs: () => [{ kind: 'drop' }],
  transform: eachDayTransform(transformEnedisFiles),
  metrics: eachDayMetrics(enedisMetrics),
  report: enedisReport,
});

export const enedis = {
  dataset: enedisDataset,
  capabilities: [
    dropFiles(enedisDataset, enedisDrop),
    // The checks of a day read it and the day before whole (its steps): its turn, as its transform.
    qualityChecks(enedisDataset, enedisChecks, (work) => withQueryDb('day', work)),
    periodEnergies(enedisDataset, enedisEnergies),
    statusNotes(enedisDataset, enedisStatusNotes),
    sftpPickup(enedisDataset),
  ],
} satisfies DatasetModule;
