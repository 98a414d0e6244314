/** `courant demo` for the Paris weather: Open-Meteo's archive and forecast APIs answered on loopback from a shipped real answer. */
import { jsonAnswer, serveOnLoopback } from '../../demo-loopback.js';
import type { DatasetDemo } from '../../capabilities/demo.js';
import type { WeatherConfig } from '../config.js';
import { ARCHIVE_LAG_DAYS, archiveAnswer, DAY_MS, forecastAnswer, loadWeatherSample } from './open-meteo-answers.js';

/** Today's GMT midnight, in ms: what the forecast API's `past_days` count back from. */
const gmtToday = () => Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00Z`);

export const weatherDemo: DatasetDemo<WeatherConfig> = {
  // The day the cityflow demos share (`courant demo --datasets cityflow`).
  defaultDate: '2023-11-04',
  days: 'any day up to six days ago (final, from the archive), each hour the real one of 2024-08-17',
  // The Paris day ends within its GMT date: that whole date must be in the archive.
  covers: (date) => Date.parse(`${date}T00:00Z`) + DAY_MS <= gmtToday() - ARCHIVE_LAG_DAYS * DAY_MS,
  async start(config) {
    const sample = await loadWeatherSample();
    const api = await serveOnLoopback((url) => {
      const answer =
        url.pathname === '/v1/archive'
          ? archiveAnswer(sample, url.searchParams, gmtToday())
          : url.pathname === '/v1/forecast'
            ? forecastAnswer(sample, url.searchParams, gmtToday())
            : null;
      if (answer === null) return jsonAnswer(404, { reason: `no API at ${url.pathname}`, error: true });
      return typeof answer === 'string' ? jsonAnswer(400, { reason: answer, error: true }) : jsonAnswer(200, answer);
    });
    return {
      config: { ...config, archiveUrl: `${api.baseUrl}/v1/archive`, forecastUrl: `${api.baseUrl}/v1/forecast` },
      source: `${api.baseUrl} (Open-Meteo's archive and forecast answered from a real answer for Paris)`,
      close: () => api.close(),
    };
  },
};
