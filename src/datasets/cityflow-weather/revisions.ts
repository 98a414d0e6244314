/**
 * Weather days are provisional while the archive lacks them: the revised-days check fetches the
 * archive's answer for a provisional day again and, once it has every hour of the day, the day is
 * run again on it and becomes final.
 */
import type { DayRevisions } from '../capabilities/revisions.js';
import type { WeatherConfig } from './config.js';
import { readWeatherHours } from './hours.js';
import { ARCHIVE_SOURCE } from './source.js';
import { archiveHasDay } from './transform.js';

export const weatherRevisions: DayRevisions<WeatherConfig> = {
  source: ARCHIVE_SOURCE,
  provisional: (metrics) => metrics.status === 'provisional',
  async revised({ db, date, file }) {
    try {
      await readWeatherHours(db, [file]);
      return await archiveHasDay(db, date);
    } finally {
      await db.run('DROP TABLE IF EXISTS w_hours');
    }
  },
};
