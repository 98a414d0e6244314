/**
 * Enedis meter-reading flows: R151 (daily Linky indexes), R15 (periodic indexes and the energies
 * they state) and C15 (contract events with readings), XML files or zips of them dropped in
 * `inbox/enedis/` or given to `courant ingest`, read in a stream and turned into Parquet tables of
 * index readings and stated energies per Paris day, the day whose end each reading closes.
 */
import type { DatasetModule } from '../contract.js';
import { eachDayMetrics, eachDayTransform } from '../each-day.js';
import { enedisChecks } from './checks.js';
import { enedisConfig, type EnedisConfig } from './config.js';
import { enedisMetrics } from './day-metrics.js';
import { transformEnedisFiles } from './day-transform.js';
import { enedisDrop } from './drop.js';
import { enedisEnergies } from './energies.js';
import { enedisReport } from './report.js';
import { enedisStatusNotes } from './status-notes.js';

export const enedisModule: DatasetModule<EnedisConfig> = {
  name: 'enedis',
  title: 'Enedis meter readings',
  config: enedisConfig,
  inputs: () => [{ kind: 'drop' }],
  drop: enedisDrop,
  transform: eachDayTransform(transformEnedisFiles),
  metrics: eachDayMetrics(enedisMetrics),
  checks: enedisChecks,
  energies: enedisEnergies,
  statusNotes: enedisStatusNotes,
  report: enedisReport,
};
