/** `courant demo` for eCO2mix: the ODRÉ export API played on loopback from the shipped real samples. */
import type { DatasetDemo } from '../../capabilities/demo.js';
import { startOdreServer } from './odre-replay-server.js';
import { DEMO_DAYS, isDemoDay, loadDemoExports } from './sample-exports.js';

export const eco2mixDemo: DatasetDemo<{ readonly baseUrl: string }> = {
  defaultDate: DEMO_DAYS.default,
  days: `${DEMO_DAYS.first}..${DEMO_DAYS.last} and ${DEMO_DAYS.extra}`,
  covers: isDemoDay,
  async start(config) {
    const odre = await startOdreServer(await loadDemoExports());
    return {
      config: { ...config, baseUrl: odre.baseUrl },
      source: `${odre.baseUrl} (ODRÉ exports replayed from real samples shipped with courant)`,
      close: () => odre.close(),
    };
  },
};
