/**
 * The eCO2mix national dataset (RTE, France): two ODRÉ exports per Paris day, fetched after the
 * day; RTE's downloadable files for whole years (`courant import`); an offline demo.
 */
import type { DatasetModule } from '../contract.js';
import { checkEco2mixDownload, eco2mixConfig, eco2mixInputs, type Eco2mixConfig } from './dataset.js';
import { eco2mixChecks } from './checks.js';
import { eco2mixMetrics } from './day-metrics.js';
import { eco2mixDemo } from './demo/demo.js';
import { rteFileImport } from './file-import.js';
import { eco2mixReport } from './report.js';
import { eco2mixRevisions } from './revisions.js';
import { eco2mixStatusNotes } from './status-notes.js';
import { transformEco2mix } from './transform.js';

export const eco2mixModule: DatasetModule<Eco2mixConfig> = {
  name: 'eco2mix',
  title: 'eCO2mix (RTE, France)',
  config: eco2mixConfig,
  inputs: eco2mixInputs,
  checkDownload: checkEco2mixDownload,
  transform: transformEco2mix,
  metrics: eco2mixMetrics,
  checks: eco2mixChecks,
  // The real-time export of a day is complete in the early morning after it: due at D+1 07:00 Paris.
  dueHours: () => 7,
  report: eco2mixReport,
  revisions: eco2mixRevisions,
  statusNotes: eco2mixStatusNotes,
  fileImport: rteFileImport,
  demo: eco2mixDemo,
};
