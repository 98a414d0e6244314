/**
 * Quality of smart-meter anomaly detection on the one labelled sample we have, the Kaggle file of
 * test/fixtures/smartmeter (5 000 half-hours of one meter, 250 labelled Abnormal): precision,
 * recall and F1 of courant's detector over the whole series (the same scoring query as the day's
 * detector, every reading judged against the 28 days before its day) and of a global |z| > 2 on
 * consumption, as markdown tables for bench/RESULTS.md. The sample is read by courant's own
 * Kaggle reader; the label is used for scoring only.
 *
 * With --isolation-forest, also scikit-learn's IsolationForest (the published baseline: all five
 * numeric columns, contamination 0.05, seed 0), in a venv of its own (.tools/bench-venv-anomalies,
 * made from bench/python/anomalies-requirements.txt: bench/lib/venv.ts).
 *
 * Usage: node --import tsx bench/quality/anomalies.ts [--isolation-forest]
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ANOMALY_THRESHOLD, anomalyScoresSql } from '../../src/datasets/smartmeter/anomaly-sql.js';
import { readHeaderLine } from '../../src/datasets/smartmeter/header.js';
import { fileRowsSql } from '../../src/datasets/smartmeter/rows-sql.js';
import { recogniseShape } from '../../src/datasets/smartmeter/shapes.js';
import { openDuckDb } from '../../src/duckdb/duckdb.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { int, table } from '../lib/markdown.js';
import { ensureVenv } from '../lib/venv.js';

const run = promisify(execFile);
const SAMPLE = path.join(
  PROJECT_ROOT,
  'test',
  'fixtures',
  'smartmeter',
  'jaslemkaril_kaggle_ziya07_smart_meter_data.csv',
);

interface Counts {
  readonly flagged: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/** The sample as courant reads it: `kaggle(meter_id, ts, kwh, abnormal)`. */
async function loadSample(db: DuckDBConnection): Promise<void> {
  const shape = recogniseShape(await readHeaderLine(SAMPLE, 'kaggle.csv'), 'kaggle.csv', 30);
  const rows = fileRowsSql({ path: SAMPLE, file: 'kaggle.csv', arrival: 0, shape, meterId: 'kaggle', blankLines: [] });
  await db.run(
    `CREATE TEMP TABLE kaggle AS SELECT meter_id, ts, kwh, label = 'Abnormal' AS abnormal, line FROM (${rows}) WHERE reason IS NULL`,
  );
}

/** Confusion counts of `predicted` (a boolean SQL expression over `relation` joined with the labels). */
async function countsOf(db: DuckDBConnection, relation: string, predicted: string, where = 'true'): Promise<Counts> {
  const row = (
    await db.runAndReadAll(`
SELECT count(*) FILTER (WHERE ${predicted}) AS flagged, count(*) FILTER (WHERE ${predicted} AND abnormal) AS tp,
       count(*) FILTER (WHERE ${predicted} AND NOT abnormal) AS fp, count(*) FILTER (WHERE NOT (${predicted}) AND abnormal) AS fn
FROM (${relation}) JOIN kaggle USING (meter_id, ts) WHERE ${where}`)
  ).getRowObjectsJson()[0];
  return { flagged: Number(row?.flagged), tp: Number(row?.tp), fp: Number(row?.fp), fn: Number(row?.fn) };
}

function scores({ tp, fp, fn }: Counts): { precision: number; recall: number; f1: number } {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return { precision, recall, f1: 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn) };
}

function row(name: string, counts: Counts): string[] {
  const s = scores(counts);
  return [name, int(counts.flagged), s.precision.toFixed(3), s.recall.toFixed(3), s.f1.toFixed(3)];
}

const ISOLATION_FOREST = `
import csv, json, sys
from sklearn.ensemble import IsolationForest
with open(sys.argv[1], newline="") as f:
    rows = list(csv.DictReader(f))
columns = ["Electricity_Consumed", "Temperature", "Humidity", "Wind_Speed", "Avg_Past_Consumption"]
X = [[float(r[c]) for c in columns] for r in rows]
flags = IsolationForest(contamination=0.05, random_state=0).fit_predict(X)
print(json.dumps([i + 2 for i, flag in enumerate(flags) if flag == -1]))
`;

/** IsolationForest's flagged lines of the sample (line 2 is the first reading). */
async function isolationForestLines(): Promise<number[]> {
  const python = await ensureVenv((line) => console.error(line), 'bench-venv-anomalies');
  const { stdout } = await run(python, ['-c', ISOLATION_FOREST, SAMPLE], { maxBuffer: 16 << 20 });
  return JSON.parse(stdout) as number[];
}

/**
 * The markdown of the anomaly-detection section: the detector and its baselines over the whole
 * series, then the detector on each half.
 */
export async function anomalyQualityMarkdown(options: { isolationForest: boolean }): Promise<string> {
  const instance = await openDuckDb();
  const db = await instance.connect();
  try {
    await loadSample(db);
    const detector = anomalyScoresSql('SELECT meter_id, ts, kwh FROM kaggle');
    const flagged = `score > ${ANOMALY_THRESHOLD}`;
    const globalZ = 'SELECT meter_id, ts, abs(kwh - avg(kwh) OVER ()) / stddev_pop(kwh) OVER () AS z FROM kaggle';
    const rows = [
      row(`courant detector (score > ${ANOMALY_THRESHOLD})`, await countsOf(db, detector, flagged)),
      row('global \\|z\\| > 2 on consumption', await countsOf(db, globalZ, 'z > 2')),
    ];
    if (options.isolationForest) {
      const lines = await isolationForestLines();
      const forest = `SELECT meter_id, ts, list_contains([${lines.join(', ')}], line) AS flagged FROM kaggle`;
      rows.push(row('IsolationForest, 5 columns, contamination 0.05', await countsOf(db, forest, 'flagged')));
    }
    const labelled = (await readFile(SAMPLE, 'utf8')).split('\n').filter((l) => l.endsWith(',Abnormal')).length;
    const half = "ts < '2024-02-22 00:00:00+00'";
    return [
      `Kaggle smart-meter sample, 5 000 readings, ${labelled} labelled Abnormal, whole series:`,
      '',
      table(['method', 'flagged', 'precision', 'recall', 'F1'], rows),
      '',
      'The detector on each half of the series (threshold and window chosen on the whole):',
      '',
      table(
        ['half', 'flagged', 'precision', 'recall', 'F1'],
        [
          row('2024-01-01 – 2024-02-21', await countsOf(db, detector, flagged, half)),
          row('2024-02-22 – 2024-04-14', await countsOf(db, detector, flagged, `NOT (${half})`)),
        ],
      ),
    ].join('\n');
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await anomalyQualityMarkdown({ isolationForest: process.argv.includes('--isolation-forest') }));
}
