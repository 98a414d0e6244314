/**
 * `courant demo` for Vélib': the GBFS feed answered on loopback from the shipped real answers, and
 * the demo day's snapshots — which no run can collect after the day — derived from them slot by slot.
 */
import { readFile } from 'node:fs/promises';
import { daySlots } from '../../../workflow-safe/slots.js';
import { serveOnLoopback } from '../../demo-loopback.js';
import type { DatasetDemo } from '../../capabilities/demo.js';
import type { VelibConfig } from '../config.js';
import { STATIONS_SOURCE, STATUS_SOURCE } from '../source.js';
import { INFORMATION_SAMPLE, loadStatusSample, STATUS_SAMPLE, statusAt } from './day-snapshots.js';

const FEED_PATH = '/opendata/Velib_Metropole';

export const velibDemo: DatasetDemo<VelibConfig> = {
  // The day the cityflow demos share (`courant demo --datasets cityflow`).
  defaultDate: '2023-11-04',
  days: "any day (the stations' real state of 2025-10-18, varied over the day)",
  covers: () => true,
  async start(config) {
    const [status, information] = await Promise.all([readFile(STATUS_SAMPLE), readFile(INFORMATION_SAMPLE)]);
    const feed = await serveOnLoopback((url) => {
      const body =
        url.pathname === `${FEED_PATH}/station_status.json`
          ? status
          : url.pathname === `${FEED_PATH}/station_information.json`
            ? information
            : null;
      return body === null
        ? { status: 404, body: 'not found', contentType: 'text/plain' }
        : { status: 200, body, contentType: 'application/json' };
    });
    return {
      config: { ...config, baseUrl: `${feed.baseUrl}${FEED_PATH}` },
      source: `${feed.baseUrl}${FEED_PATH} (the GBFS feed answered from real answers of 1,495 stations)`,
      close: () => feed.close(),
    };
  },
  async snapshots(date, _config, everyMinutes) {
    const [sample, information] = await Promise.all([loadStatusSample(), readFile(INFORMATION_SAMPLE)]);
    const slots = daySlots(date, everyMinutes);
    const first = slots[0];
    return [
      ...(first ? [{ source: STATIONS_SOURCE, slot: first, body: information }] : []),
      ...slots.map((slot) => ({ source: STATUS_SOURCE, slot, body: statusAt(sample, slot) })),
    ];
  },
};
