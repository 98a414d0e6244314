/** The eCO2mix sections of the daily, monthly and annual reports. */
import type { DatasetReport, ReportFigure } from '../contract.js';

function figure(metrics: Readonly<Record<string, unknown>>, key: string, label: string, unit?: string): ReportFigure {
  let value: unknown = metrics;
  for (const part of key.split('.')) value = (value as Record<string, unknown> | null)?.[part];
  return {
    key,
    label,
    value: typeof value === 'number' || typeof value === 'string' ? value : null,
    ...(unit ? { unit } : {}),
  };
}

export const eco2mixReport: DatasetReport<unknown> = {
  day: ({ metrics }) => {
    const figures = [
      figure(metrics, 'points', 'Points'),
      figure(metrics, 'expectedPoints', 'Expected points'),
      figure(metrics, 'consumption.energyMWh', 'Consumption', 'MWh'),
      figure(metrics, 'consumption.peakMW', 'Peak', 'MW'),
      figure(metrics, 'production.lowCarbonSharePct', 'Low-carbon share', '%'),
      figure(metrics, 'co2.meanIntensityGPerKWh', 'CO2 intensity', 'gCO2/kWh'),
    ];
    return Promise.resolve({
      title: 'eCO2mix (RTE, France)',
      summary: `${String(figures[0]?.value)} of ${String(figures[1]?.value)} points`,
      figures,
      charts: [],
      tables: [],
    });
  },
  period: ({ days }) =>
    Promise.resolve({
      title: 'eCO2mix (RTE, France)',
      summary: `${days.length} days`,
      figures: [{ key: 'days', label: 'Days', value: days.length }],
      charts: [],
      tables: [],
      daily: [],
      monthly: [],
    }),
};
