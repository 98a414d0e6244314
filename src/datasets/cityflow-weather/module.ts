/**
 * Paris weather (cityflow): Open-Meteo's hourly temperature, precipitation, wind and weather code
 * at a point (Paris centre by default), asked in GMT and cut to the Paris day by UTC instants.
 * Each day downloads the archive's answer for its GMT dates and the forecast API's recent days: the
 * archive's hours when it has the whole day (`final`), else the forecast's (`provisional`), run
 * again by the revised-days check once the archive has the day.
 */
import { BadDataError } from '../../workflow-safe/errors.js';
import { offlineDemo } from '../capabilities/demo.js';
import { dayRevisions } from '../capabilities/revisions.js';
import { statusNotes } from '../capabilities/status-notes.js';
import { defineDataset } from '../contract.js';
import { eachDayMetrics, eachDayTransform } from '../each-day.js';
import type { DatasetModule } from '../modules.js';
import { weatherDemo } from './demo/demo.js';
import { weatherConfig } from './config.js';
import { weatherMetrics } from './metrics.js';
import { weatherMetricsSchema } from './metrics-schema.js';
import { weatherReport } from './report.js';
import { weatherRevisions } from './revisions.js';
import { ARCHIVE_SOURCE, archiveUrl, FORECAST_SOURCE, forecastUrl } from './source.js';
import { transformWeather, WEATHER_TABLE } from './transform.js';

export const cityflowWeatherDataset = defineDataset({
  name: 'cityflow-weather',
  title: 'Paris weather',
  config: weatherConfig,
  tables: [WEATHER_TABLE],
  metricsSchema: weatherMetricsSchema,
  runsDaily: (config) => config.daily,
  inputs: (date, config) => [
    { kind: 'http', source: ARCHIVE_SOURCE, url: archiveUrl(config, date), extension: 'json' },
    { kind: 'http', source: FORECAST_SOURCE, url: forecastUrl(config), extension: 'json' },
  ],
  checkDownload(_source: string, body: Uint8Array, file: string) {
    const head = new TextDecoder().decode(body.subarray(0, 512)).trimStart();
    if (!head.startsWith('{')) throw new BadDataError({ file }, 'the source answered something other than JSON');
  },
  transform: eachDayTransform(transformWeather),
  metrics: eachDayMetrics(weatherMetrics),
  // The forecast has yesterday by midnight: due at D+1 06:00 Paris, when run daily.
  dueHours: (config) => (config.daily ? 6 : null),
  report: weatherReport,
});

export const cityflowWeather = {
  dataset: cityflowWeatherDataset,
  capabilities: [
    dayRevisions(cityflowWeatherDataset, weatherRevisions),
    statusNotes(cityflowWeatherDataset, (days) =>
      days
        .filter((d) => d.metrics.status === 'provisional')
        .map((d) => ({ date: d.date, note: 'provisional weather (forecast)' })),
    ),
    offlineDemo(cityflowWeatherDataset, weatherDemo),
  ],
} satisfies DatasetModule;
