/**
 * The eCO2mix national dataset (RTE, France): two ODRÉ exports per Paris day, fetched after the
 * day; RTE's downloadable files for whole years (`courant import`); an offline demo.
 */
import { offlineDemo } from '../capabilities/demo.js';
import { importFiles } from '../capabilities/file-import.js';
import { qualityChecks } from '../capabilities/quality-checks.js';
import { rangedRuns } from '../capabilities/ranged-runs.js';
import { dayRevisions } from '../capabilities/revisions.js';
import { statusNotes } from '../capabilities/status-notes.js';
import { defineDataset } from '../contract.js';
import type { DatasetModule } from '../modules.js';
import { checkEco2mixDownload, eco2mixConfig, eco2mixInputs } from './dataset.js';
import { eco2mixChecks } from './checks.js';
import { eco2mixMetrics } from './day-metrics.js';
import { eco2mixDemo } from './demo/demo.js';
import { rteFileImport } from './file-import.js';
import { eco2mixMetricsSchema } from './metrics-schema.js';
import { ECO2MIX_TABLE } from './record.js';
import { eco2mixReport } from './report.js';
import { eco2mixRevisions } from './revisions.js';
import { eco2mixStatusNotes } from './status-notes.js';
import { transformEco2mix } from './transform.js';

export const eco2mixDataset = defineDataset({
  name: 'eco2mix',
  title: 'eCO2mix (RTE, France)',
  config: eco2mixConfig,
  tables: [ECO2MIX_TABLE],
  metricsSchema: eco2mixMetricsSchema,
  inputs: eco2mixInputs,
  checkDownload: checkEco2mixDownload,
  transform: transformEco2mix,
  metrics: eco2mixMetrics,
  // The real-time export of a day is complete in the early morning after it: due at D+1 07:00 Paris.
  dueHours: () => 7,
  report: eco2mixReport,
});

export const eco2mix = {
  dataset: eco2mixDataset,
  capabilities: [
    qualityChecks(eco2mixDataset, eco2mixChecks),
    dayRevisions(eco2mixDataset, eco2mixRevisions),
    statusNotes(eco2mixDataset, eco2mixStatusNotes),
    importFiles(eco2mixDataset, rteFileImport),
    offlineDemo(eco2mixDataset, eco2mixDemo),
    rangedRuns(eco2mixDataset),
  ],
} satisfies DatasetModule;
