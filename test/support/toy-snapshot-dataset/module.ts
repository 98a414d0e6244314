/**
 * A throw-away dataset collected during the day: `{TOY_BASE_URL}/values.csv` (`ts,value`) taken
 * in every slot of the snapshot collector, `{TOY_BASE_URL}/list.csv` once a day. Its table keeps
 * the slot each value was taken in, which proves the slot reaches the module.
 */
import { z } from 'zod';
import { collectSnapshots } from '../../../src/datasets/capabilities/snapshots.js';
import { defineDataset } from '../../../src/datasets/contract.js';
import type { DayFile } from '../../../src/datasets/inputs.js';
import { eachDayMetrics, eachDayTransform } from '../../../src/datasets/each-day.js';
import { metricsHead } from '../../../src/datasets/metrics-head.js';
import type { DatasetModule } from '../../../src/datasets/modules.js';
import { sqlString } from '../../../src/duckdb/columns.js';
import { BadDataError, NoDataError } from '../../../src/workflow-safe/errors.js';
import { toyConfig } from '../toy-dataset/config.js';

const HEADER = 'ts,value';

function checkHeader(body: Uint8Array, file: string): void {
  if (!Buffer.from(body).toString('utf8').startsWith(HEADER))
    throw new BadDataError({ file, line: 1 }, `expected the header ${HEADER}`);
}

function slotRows(file: DayFile): string {
  const slot = file.snapshot?.slot;
  if (!slot) throw new BadDataError({ file: file.key }, 'a snapshot without its slot');
  return `SELECT ${sqlString(slot.name)} AS slot, ${sqlString(slot.start.toISOString())}::TIMESTAMPTZ AS slot_start, value
    FROM read_csv(${sqlString(file.path)}, header = true, columns = {ts: 'TIMESTAMPTZ', value: 'DOUBLE'}, auto_detect = false)`;
}

export const toySnapshotDataset = defineDataset({
  name: 'toysnap',
  title: 'Toy snapshots',
  config: toyConfig,
  tables: ['toy_slots'],
  metricsSchema: z.object({ ...metricsHead('toysnap'), slots: z.array(z.string()) }),
  runsDaily: () => false,
  inputs: () => [
    { kind: 'snapshot', source: 'values' },
    { kind: 'snapshot', source: 'list' },
  ],
  transform: eachDayTransform(async ({ date, db, files, tablePath }) => {
    const values = files.filter((f) => f.source === 'values');
    if (values.length === 0) throw new NoDataError(`toysnap ${date}: no snapshot was taken during the day`);
    const table = tablePath('toy_slots');
    await db.run(
      `COPY (${values.map(slotRows).join(' UNION ALL ')} ORDER BY slot_start) TO ${sqlString(table)} (FORMAT parquet)`,
    );
    return { tables: ['toy_slots'], rows: { read: values.length, written: values.length, rejected: 0 } };
  }),
  metrics: eachDayMetrics(async ({ date, db, tables }) => {
    const rows = await db.runAndReadAll(
      `SELECT slot FROM read_parquet(${sqlString(tables.toy_slots ?? '')}) ORDER BY slot_start`,
    );
    const slots = rows.getRows().map((r) => String(r[0]));
    return { document: { dataset: 'toysnap', date, timezone: 'Europe/Paris', slots }, completeness: null };
  }),
  report: {
    day: ({ metrics }) =>
      Promise.resolve({
        title: 'Toy snapshots',
        summary: `${JSON.stringify(metrics.slots)}`,
        figures: [],
        charts: [],
        tables: [],
      }),
    period: ({ days }) =>
      Promise.resolve({
        title: 'Toy snapshots',
        summary: `${days.length} days`,
        figures: [],
        charts: [],
        tables: [],
        daily: [],
        monthly: [],
      }),
  },
});

export const toySnapshots = {
  dataset: toySnapshotDataset,
  capabilities: [
    collectSnapshots(toySnapshotDataset, {
      collects: () => true,
      sources: [
        {
          source: 'values',
          extension: 'csv',
          every: 'slot',
          url: (c) => `${c.baseUrl}/values.csv`,
          check: checkHeader,
        },
        { source: 'list', extension: 'csv', every: 'day', url: (c) => `${c.baseUrl}/list.csv`, check: checkHeader },
      ],
    }),
  ],
} satisfies DatasetModule;
