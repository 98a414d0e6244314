/**
 * `courant demo` for the Paris roadworks: the portal's export of the list answered on loopback from
 * the shipped real list, a label export (provenance in `samples/PROVENANCE.md`), and the demo day's
 * snapshot of it — which no run can take after the day — stored as if taken in the day's first slot.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { daySlots } from '../../../workflow-safe/slots.js';
import { jsonAnswer, portalExportId, serveOnLoopback } from '../../demo-loopback.js';
import type { DatasetDemo } from '../../capabilities/demo.js';
import type { RoadworksConfig } from '../config.js';
import { ROADWORKS_DATASET_ID, ROADWORKS_SOURCE } from '../source.js';

const SAMPLE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'samples', 'teoale_chantiers-perturbants.csv');

/** The list's works start up to 2023-08-21, so it was taken then or later; its dates point to 2023. */
const FIRST_DAY = '2023-08-21';
const LAST_DAY = '2023-12-31';

export const roadworksDemo: DatasetDemo<RoadworksConfig> = {
  // The day the cityflow demos share (`courant demo --datasets cityflow`).
  defaultDate: '2023-11-04',
  days: `${FIRST_DAY}..${LAST_DAY} (the real list of 192 works, of 2023)`,
  covers: (date) => date >= FIRST_DAY && date <= LAST_DAY,
  async start(config) {
    const list = await readFile(SAMPLE);
    const portal = await serveOnLoopback((url) =>
      portalExportId(url) === ROADWORKS_DATASET_ID
        ? { status: 200, body: list, contentType: 'text/csv; charset=utf-8' }
        : jsonAnswer(404, { error_code: 'NotFound', message: `no dataset at ${url.pathname}` }),
    );
    return {
      config: { ...config, baseUrl: portal.baseUrl },
      source: `${portal.baseUrl} (the portal's roadworks list answered from a real export of 192 works)`,
      close: () => portal.close(),
    };
  },
  async snapshots(date, _config, everyMinutes) {
    const first = daySlots(date, everyMinutes)[0];
    return first ? [{ source: ROADWORKS_SOURCE, slot: first, body: await readFile(SAMPLE) }] : [];
  },
};
