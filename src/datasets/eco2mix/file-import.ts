/**
 * `courant import` of RTE's downloadable eCO2mix files: what the dataset declares. The reading
 * (`rte-import.ts`: the RTE parser, its unzip) loads when a file is opened, not with the dataset.
 */
import type { FileImport } from '../capabilities/file-import.js';

export const rteFileImport: FileImport = {
  what: 'an RTE eCO2mix file',
  accepts: 'eCO2mix_RTE_En-cours-TR, _En-cours-Consolide or _Annuel-Definitif_YYYY (.zip or .xls)',
  open: async (body, fileName) => (await import('./rte-import.js')).openRteFile(body, fileName),
};
