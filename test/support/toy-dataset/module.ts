/**
 * A throw-away dataset that lives only in the test suite: one CSV of `ts,value` per day fetched
 * over HTTP, and the same CSV dropped as files. It proves that a module of its own folder needs
 * nothing else of courant: the tests register it in a worker's catalog and run its days.
 */
import { z } from 'zod';
import type { DatasetModule } from '../../../src/datasets/contract.js';
import { eachDayMetrics, eachDayTransform } from '../../../src/datasets/each-day.js';
import { sqlString } from '../../../src/parquet/columns.js';
import { BadDataError } from '../../../src/shared/errors.js';
import { parisDayBounds } from '../../../src/shared/partition.js';

export interface ToyConfig {
  readonly baseUrl: string;
}

const HEADER = 'ts,value';

function readCsv(path: string): string {
  return `read_csv(${sqlString(path)}, header = true, columns = {ts: 'TIMESTAMPTZ', value: 'DOUBLE'}, auto_detect = false)`;
}

function toyDataset(name: string, inputs: DatasetModule<ToyConfig>['inputs']): DatasetModule<ToyConfig> {
  return {
    name,
    title: `Toy values (${name})`,
    config: {
      env: z.object({ TOY_BASE_URL: z.url().default('http://127.0.0.1:9/') }),
      read: (env) => ({ baseUrl: String(env.TOY_BASE_URL) }),
    },
    inputs,
    checkDownload(_source, body, file) {
      if (!Buffer.from(body).toString('utf8').startsWith(HEADER))
        throw new BadDataError({ file, line: 1 }, `expected the header ${HEADER}`);
    },
    drop: {
      options: z.object({ fileName: z.string() }),
      async days({ db, path, file }) {
        const first = (
          await db.runAndReadAll(`SELECT * FROM read_csv(${sqlString(path)}, header = false) LIMIT 1`)
        ).getRows()[0];
        if (first?.join(',') !== HEADER) throw new BadDataError({ file, line: 1 }, `expected the header ${HEADER}`);
        const rows = await db.runAndReadAll(
          `SELECT DISTINCT strftime(timezone('Europe/Paris', ts), '%Y-%m-%d') AS day FROM ${readCsv(path)} ORDER BY day`,
        );
        return rows.getRows().map((row) => String(row[0]));
      },
    },
    transform: eachDayTransform(async ({ date, db, files, tablePath }) => {
      const { start, end } = parisDayBounds(date);
      const union = files
        .map((f) => `SELECT ts, value, ${f.order} AS arrival FROM ${readCsv(f.path)}`)
        .join(' UNION ALL ');
      const read = Number((await db.runAndReadAll(`SELECT count(*) FROM (${union})`)).getRows()[0]?.[0] ?? 0);
      const kept = `SELECT ts, arg_max(value, arrival) AS value FROM (${union})
      WHERE ts >= '${start.toISOString()}'::TIMESTAMPTZ AND ts < '${end.toISOString()}'::TIMESTAMPTZ GROUP BY ts ORDER BY ts`;
      await db.run(`COPY (${kept}) TO ${sqlString(tablePath('toy_values'))} (FORMAT parquet, COMPRESSION zstd)`);
      const written = Number(
        (
          await db.runAndReadAll(`SELECT count(*) FROM read_parquet(${sqlString(tablePath('toy_values'))})`)
        ).getRows()[0]?.[0] ?? 0,
      );
      return { tables: ['toy_values'], rows: { read, written, rejected: 0 } };
    }),
    metrics: eachDayMetrics(async ({ date, db, tables }) => {
      const path = tables.toy_values ?? '';
      const row = (
        await db.runAndReadAll(
          `SELECT count(*)::INTEGER AS n, sum(value) AS total FROM read_parquet(${sqlString(path)})`,
        )
      ).getRowObjects()[0];
      return {
        document: {
          dataset: 'toy',
          date,
          timezone: 'Europe/Paris',
          values: Number(row?.n ?? 0),
          total: Number(row?.total ?? 0),
        },
        completeness: null,
      };
    }),
    report: {
      day: ({ metrics }) =>
        Promise.resolve({
          title: 'Toy values',
          summary: `${String(metrics.values)} values, total ${String(metrics.total)}`,
          figures: [{ key: 'total', label: 'Total', value: typeof metrics.total === 'number' ? metrics.total : null }],
          charts: [],
          tables: [],
        }),
      period: ({ days }) =>
        Promise.resolve({
          title: 'Toy values',
          summary: `${days.length} days`,
          figures: [{ key: 'days', label: 'Days', value: days.length }],
          charts: [],
          tables: [],
          daily: [],
          monthly: [],
        }),
    },
  };
}

/** Fetches `{TOY_BASE_URL}/values/{date}.csv` after the day. */
export const toyModule = toyDataset('toy', (date, config) => [
  { kind: 'http', source: 'values', url: `${config.baseUrl.replace(/\/+$/, '')}/values/${date}.csv`, extension: 'csv' },
]);

/** Fed only by files dropped in `inbox/toydrop/`. */
export const toyDropModule = toyDataset('toydrop', () => [{ kind: 'drop' }]);
