/** The eCO2mix day and period sections show each figure once: the peak's time in the Peak tile only. */
import { describe, expect, it } from 'vitest';
import { eco2mixReport } from '../../src/datasets/eco2mix/report.js';
import { sectionHtml } from '../../src/reports/html/section.js';

describe('the eCO2mix day section', () => {
  it('shows the peak with its time once, and keeps the instant in the figures for JSON and CSV', async () => {
    const metrics = { consumption: { peakMW: 61_234, peakAt: '2024-01-10T17:30:00.000Z', energyMWh: 1_400_000 } };
    // No table of the day: the section is built from the metrics alone, DuckDB never asked.
    const section = await eco2mixReport.day({
      date: '2024-01-10',
      config: undefined,
      db: undefined as never,
      metrics,
      tables: {},
      alongside: {},
    });
    const html = sectionHtml(section);
    expect(html).toContain('at 18:30');
    expect(html).not.toContain('Peak at');
    expect(html.match(/18:30/g)).toHaveLength(1);
    expect(section.figures.find((f) => f.key === 'consumption.peakAt')?.value).toBe('2024-01-10T17:30:00.000Z');
  });
});
