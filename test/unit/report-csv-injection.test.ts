/**
 * The report CSVs never hand a spreadsheet a formula: a source's text that starts with `=`, `+`,
 * `-`, `@`, a tab or a carriage return is written behind a single quote (OWASP), numbers (negative
 * ones included) stay numbers, and the JSON keeps the text exact.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqlString } from '../../src/duckdb/columns.js';
import { csvSafeQuery } from '../../src/duckdb/csv-text.js';
import { openDuckDb } from '../../src/duckdb/duckdb.js';
import { dailyReportCsv, type DailyReport } from '../../src/reports/daily-format.js';
import { periodReportCsv, type PeriodReport } from '../../src/reports/period-report.js';

const FORMULAS = ['=HYPERLINK("http://x","y")', '+1+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx'];

const daily: DailyReport = {
  date: '2024-03-31',
  timezone: 'Europe/Paris',
  summary: {
    status: 'succeeded',
    datasets: { run: 1, succeeded: 1, failed: 0 },
    failed: [],
    completeness: { roads: 1 },
    headline: [{ dataset: 'roads', metric: 'busiest', value: '=1+1' }],
    text: '-roads: fine',
  },
  datasets: [
    {
      dataset: 'roads',
      title: 'Roads',
      status: 'succeeded',
      rows: { read: 2, written: 2, rejected: 0 },
      completeness: 1,
      error: null,
      metrics: { names: Object.fromEntries(FORMULAS.map((text, i) => [`n${i}`, text])), delta: -12.5, plain: 'A road' },
      section: null,
      checks: [],
    },
  ],
};

/** The value cells of the CSV by metric, as a parser reads them (quotes undone). */
function valueOf(csv: string, metric: string): string | undefined {
  const line = csv.split('\r\n').find((l) => l.split(',')[3] === metric);
  const cell = line?.slice(line.indexOf(`,${metric},`) + metric.length + 2);
  return cell?.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
}

describe('daily_report.csv', () => {
  const csv = dailyReportCsv(daily);

  it.each(FORMULAS.map((text, i) => [i, text] as const))('text %i behind a single quote', (i, text) => {
    expect(valueOf(csv, `metrics.names.n${i}`)).toBe(`'${text}`);
  });

  it('numbers stay numbers, negative ones too; plain text stays as it is; the summary is neutralised too', () => {
    expect(valueOf(csv, 'metrics.delta')).toBe('-12.5');
    expect(valueOf(csv, 'rows.read')).toBe('2');
    expect(valueOf(csv, 'metrics.plain')).toBe('A road');
    expect(valueOf(csv, 'roads.busiest')).toBe("'=1+1");
    expect(valueOf(csv, 'text')).toBe("'-roads: fine");
  });
});

describe('monthly and annual report CSV', () => {
  const report: PeriodReport = {
    kind: 'month',
    period: '2024-03',
    timezone: 'Europe/Paris',
    dayDefinition: 'a Paris day',
    status: 'partial',
    datasets: [
      {
        dataset: 'roads',
        title: 'Roads',
        status: 'partial',
        days: { inPeriod: 31, succeeded: 1, failed: 0, blocked: 0, running: 0, missing: 30 },
        completeness: 0.03,
        summary: '',
        totals: { busiest: '@evil', delta: -4 },
        months: [],
        daily: [{ date: '2024-03-31', status: 'succeeded', completeness: 1, figures: { busiest: '=cmd', delta: -4 } }],
      },
    ],
  };

  it('text figures behind a single quote, numbers as they are', () => {
    const lines = periodReportCsv(report).split('\r\n');
    expect(lines).toContain("roads,2024-03-31,succeeded,busiest,'=cmd");
    expect(lines).toContain('roads,2024-03-31,succeeded,delta,-4');
    expect(lines).toContain("roads,2024-03,partial,busiest,'@evil");
    expect(lines).toContain('roads,2024-03,partial,delta,-4');
  });
});

describe('a CSV DuckDB writes (courant energies --format csv)', () => {
  it('text columns neutralised, numbers and timestamps as they are', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-csv-safe-'));
    const instance = await openDuckDb({ tempDirectory: dir });
    const db = await instance.connect();
    try {
      const query = `SELECT * FROM (VALUES ('=cmd', -5, 'a C15 event', TIMESTAMPTZ '2024-03-31 00:00:00+00'),
        ('@x', 3, '-MES', NULL)) t("prm", energy_kwh, reason, start_at)`;
      const target = path.join(dir, 'out.csv');
      await db.run(`COPY (${await csvSafeQuery(db, query)}) TO ${sqlString(target)} (FORMAT csv, HEADER true)`);
      const lines = (await readFile(target, 'utf8')).trim().split('\n');
      expect(lines[0]).toBe('prm,energy_kwh,reason,start_at');
      expect(lines[1]).toMatch(/^'=cmd,-5,a C15 event,2024-03-31/);
      expect(lines[2]).toBe("'@x,3,'-MES,");
    } finally {
      db.closeSync();
      instance.closeSync();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
