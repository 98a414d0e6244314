/** What a report shows of a dataset: sections of figures, charts and tables (rendered as HTML, JSON and CSV). */

/** A figure shown in a report: JSON and CSV carry `key` and `value`, HTML the label and unit. */
export interface ReportFigure {
  /** Stable, e.g. `consumption.energyMWh`. */
  readonly key: string;
  readonly label: string;
  readonly value: number | string | null;
  readonly unit?: string;
  /** Decimals shown (numbers). */
  readonly digits?: number;
  /** How to show the value: a ratio 0..1 as a percentage, an ISO-8601 instant as a Paris time, plain text. */
  readonly format?: 'percent' | 'instant' | 'text';
  /** A line under the value in a tile, e.g. `of production`. */
  readonly note?: string;
  /** Kept in the JSON and CSV only, not shown as a tile or a table column (a detail of another figure). */
  readonly detail?: boolean;
}

export interface ChartSeries {
  /** Stable, e.g. `consommation`: charts carry it as `data-series`. */
  readonly id: string;
  readonly label: string;
  /** CSS colour. */
  readonly colour: string;
  readonly dashed?: boolean;
  /** Drawn as dots, not joined (marks over a line of a time chart, e.g. anomalies). */
  readonly points?: boolean;
  /** One value per instant or category; null: nothing there. */
  readonly values: ReadonlyArray<number | null>;
}

/** A chart over time (UTC instants in ms, ascending, within [from, to]). */
export interface TimeChart {
  readonly kind: 'time';
  /** Stable `data-chart`, e.g. `eco2mix-consumption`. */
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly unit: string;
  readonly style: 'line' | 'stacked';
  readonly instants: readonly number[];
  readonly from: number;
  readonly to: number;
  readonly series: readonly ChartSeries[];
  readonly digits?: number;
  readonly includeZero?: boolean;
}

/** Bars per category (a day of a month, a month of a year, a meter…). */
export interface BarChart {
  readonly kind: 'bar';
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly unit: string;
  readonly categories: readonly string[];
  /** Short axis labels, same length as categories ('' to skip one). */
  readonly axisLabels: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly stacked?: boolean;
  readonly digits?: number;
}

export type ReportChart = TimeChart | BarChart;

/** A small table (top meters, busiest arcs…). */
export interface ReportTable {
  readonly id: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<number | string | null>>;
}

/** What a dataset shows in a report: a sentence, headline figures, charts and tables. */
export interface ReportSection {
  readonly title: string;
  /** Lines for the page's footer: units, sources. */
  readonly notes?: readonly string[];
  /** One sentence: what a reader sees first (e.g. `96 of 96 points, consumption 1 234 MWh`). */
  readonly summary: string;
  readonly figures: readonly ReportFigure[];
  readonly charts: readonly ReportChart[];
  readonly tables: readonly ReportTable[];
}
/**
 * A period section: the section itself, and per day (and per month of a year) the same figures
 * for CSV and tables. A figure keyed `completeness` (a ratio 0..1) is the day's or month's completeness.
 */
export interface PeriodSection extends ReportSection {
  readonly daily: ReadonlyArray<{ readonly date: string; readonly figures: readonly ReportFigure[] }>;
  readonly monthly: ReadonlyArray<{ readonly month: string; readonly figures: readonly ReportFigure[] }>;
}
