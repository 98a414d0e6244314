/**
 * `courant demo` for the Paris traffic counters: the portal's day exports, and the live dataset's
 * range (records with aggregates), answered on loopback from the shipped real sample.
 */
import type { DatasetDemo } from '../../capabilities/demo.js';
import type { TrafficConfig } from '../config.js';
import { TRAFFIC_DATASET_ID } from '../source.js';
import { jsonAnswer, portalAggregates, portalExportId, portalRecordsId, serveOnLoopback } from '../../demo-loopback.js';
import { loadTrafficSample, TRAFFIC_DEMO_DAYS, trafficExport } from './sample-export.js';

export const trafficDemo: DatasetDemo<TrafficConfig> = {
  // The day the cityflow demos share: whole in the traffic sample, 51 works active in the roadworks list.
  defaultDate: '2023-11-04',
  days: `the ${TRAFFIC_DEMO_DAYS.length} days of ${TRAFFIC_DEMO_DAYS[0] ?? ''}..${TRAFFIC_DEMO_DAYS.at(-1) ?? ''} the sample has whole (e.g. 2023-11-04, 2024-02-05..08)`,
  covers: (date) => TRAFFIC_DEMO_DAYS.includes(date),
  async start(config) {
    const rows = await loadTrafficSample();
    const fields = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    const table = rows.map((row) => fields.map((field) => row[field] ?? ''));
    const portal = await serveOnLoopback((url) => {
      if (portalRecordsId(url) === TRAFFIC_DATASET_ID) {
        const answer = portalAggregates(url.searchParams.get('select'), fields, table);
        return 'json' in answer
          ? jsonAnswer(200, answer.json)
          : jsonAnswer(400, { error_code: 'ODSQLError', message: answer.refused });
      }
      if (portalExportId(url) !== TRAFFIC_DATASET_ID)
        return jsonAnswer(404, { error_code: 'NotFound', message: `no dataset at ${url.pathname}` });
      const answer = trafficExport(rows, url.searchParams);
      return 'csv' in answer
        ? { status: 200, body: answer.csv, contentType: 'text/csv; charset=utf-8' }
        : jsonAnswer(400, { error_code: 'ODSQLError', message: answer.refused });
    });
    return {
      config: { ...config, baseUrl: portal.baseUrl },
      source: `${portal.baseUrl} (the portal's traffic exports answered from a real sample of one arc)`,
      close: () => portal.close(),
    };
  },
};
