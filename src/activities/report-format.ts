/** The daily report's shape and its CSV form (kept with the other reports in src/reports). */
export { dailyReportCsv, type DailyReport } from '../reports/daily-format.js';
