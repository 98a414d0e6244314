/**
 * Paris weather (cityflow): Open-Meteo's hourly temperature, precipitation, wind and weather code
 * at a point (Paris centre by default), asked in GMT and cut to the Paris day by UTC instants.
 * Each day downloads the archive's answer for its GMT dates and the forecast API's recent days: the
 * archive's hours when it has the whole day (`final`), else the forecast's (`provisional`), run
 * again by the revised-days check once the archive has the day.
 */
import { BadDataError } from '../../shared/errors.js';
import type { DatasetModule } from '../contract.js';
import { eachDayMetrics, eachDayTransform } from '../each-day.js';
import { weatherDemo } from './demo/demo.js';
import { weatherConfig, type WeatherConfig } from './config.js';
import { weatherMetrics } from './metrics.js';
import { weatherReport } from './report.js';
import { weatherRevisions } from './revisions.js';
import { ARCHIVE_SOURCE, archiveUrl, FORECAST_SOURCE, forecastUrl } from './source.js';
import { transformWeather } from './transform.js';

export const cityflowWeatherModule: DatasetModule<WeatherConfig> = {
  name: 'cityflow-weather',
  title: 'Paris weather',
  config: weatherConfig,
  runsDaily: (config) => config.daily,
  inputs: (date, config) => [
    { kind: 'http', source: ARCHIVE_SOURCE, url: archiveUrl(config, date), extension: 'json' },
    { kind: 'http', source: FORECAST_SOURCE, url: forecastUrl(config), extension: 'json' },
  ],
  checkDownload(_source, body, file) {
    const head = new TextDecoder().decode(body.subarray(0, 512)).trimStart();
    if (!head.startsWith('{')) throw new BadDataError({ file }, 'the source answered something other than JSON');
  },
  transform: eachDayTransform(transformWeather),
  metrics: eachDayMetrics(weatherMetrics),
  revisions: weatherRevisions,
  statusNotes: (days) =>
    days
      .filter((d) => d.metrics.status === 'provisional')
      .map((d) => ({ date: d.date, note: 'provisional weather (forecast)' })),
  // The forecast has yesterday by midnight: due at D+1 06:00 Paris, when run daily.
  dueHours: (config) => (config.daily ? 6 : null),
  demo: weatherDemo,
  report: weatherReport,
};
