/** Transform activities: a dataset-day's raw files → its Parquet tables and quarantined rejects. */
import { Context } from '@temporalio/activity';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DayFile } from '../datasets/inputs.js';
import type { DatasetName } from '../shared/datasets.js';
import { BadDataError } from '../shared/errors.js';
import { DROP_SOURCE, storageKeys } from '../shared/keys.js';
import type { InputFile, RowCounts } from '../shared/day-records.js';
import { datasetOf } from './dataset-of.js';
import { noteFallbackReads } from './day-runs.js';
import type { ActivityDeps } from './deps.js';
import { lineSizeError } from './claim-limits.js';
import { classifyingBadData } from './failures.js';
import { preparedFrom, readPreparedDay } from './prepared-days.js';
import { bytesKeyOf, readRawMeta } from './raw-meta.js';

export interface TransformDayInput {
  readonly dataset: DatasetName;
  readonly date: string;
  /** The day's raw files in order of arrival: a later file wins over an earlier one. */
  readonly inputs: readonly InputFile[];
}

export interface TransformDayOutput {
  /** The main table. */
  readonly processedKey: string;
  /** Every table written, main table first. */
  readonly processedKeys?: readonly string[];
  readonly rejectsKey: string;
  readonly rows: RowCounts;
}

/**
 * What a file's `.meta.json` adds for the module: where a dropped file's bytes are (`key`: stored
 * once for all the days it covers), the options it was given, the slot a snapshot was taken in.
 * Downloads have none of these (their meta is not read).
 */
async function factsOf(
  deps: ActivityDeps,
  file: InputFile,
  date: string,
): Promise<Pick<DayFile, 'key' | 'options' | 'snapshot'>> {
  const isSnapshot = file.key.includes(`/${file.source}/`);
  if (file.source !== DROP_SOURCE && !isSnapshot) return { key: file.key, options: {} };
  const meta = await readRawMeta(deps.objects, file.key);
  const key = bytesKeyOf(file.key, meta);
  const slot = meta?.slot;
  if (!isSnapshot || !slot) return { key, options: meta?.options ?? {} };
  const takenAt = new Date(meta.fetchedAt ?? slot.start);
  return {
    key,
    options: {},
    snapshot: { slot: { date, name: slot.name, start: new Date(slot.start), end: new Date(slot.end) }, takenAt },
  };
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

export function createTransformActivities(deps: ActivityDeps) {
  /**
   * Copies the day's raw files to local disk, lets the dataset's module turn them into Parquet
   * tables with DuckDB, and stores the tables under `processed/` and every rejected row (file,
   * line, column, reason) under `quarantine/`. Idempotent: same raw bytes, same outputs, all
   * overwritten. A day an import's pass over many days already transformed from the same raw
   * files (prepared-days.ts) is taken as it is. A file that cannot be read at all, or a day with
   * no usable row, fails non-retryably.
   */
  async function transformDay(input: TransformDayInput): Promise<TransformDayOutput> {
    const { dataset, date } = input;
    const { module, config } = datasetOf(deps.datasets, dataset);
    if (module.days) {
      const prepared = await readPreparedDay(deps.objects, dataset, date);
      if (prepared && preparedFrom(prepared, input.inputs, deps.codeVersion)) {
        Context.current().log.info('day transformed by its import', { dataset, date, ...prepared.transform.rows });
        return prepared.transform;
      }
      // Tables of other inputs are about to replace the prepared ones.
      if (prepared) await deps.objects.delete(storageKeys.preparedDay(dataset, date));
    }
    const scratch = await mkdtemp(path.join(deps.scratchDir, 'transform-'));
    const connection = await deps.duckdb.connect();
    try {
      await mkdir(path.join(scratch, 'raw'));
      await mkdir(path.join(scratch, 'work'));
      const copies = await Promise.all(
        input.inputs.map(async (file, order) => {
          const facts = await factsOf(deps, file, date);
          const local = path.join(scratch, 'raw', `${order}-${path.posix.basename(facts.key)}`);
          const read = await deps.objects.getToFile(facts.key, local);
          const day: DayFile = { source: file.source, path: local, sha256: file.sha256, order, ...facts };
          return { read, day };
        }),
      );
      await noteFallbackReads(
        deps,
        input,
        copies.map((c) => c.read),
      );
      const tablePath = (table: string) => path.join(scratch, `${table}.parquet`);
      const rejectsPath = path.join(scratch, 'rejects.jsonl');
      const result = await classifyingBadData(async () => {
        const output = await module
          .transform({
            date,
            config,
            db: connection,
            files: copies.map((c) => c.day),
            tablePath,
            rejectsPath,
            scratchDir: path.join(scratch, 'work'),
          })
          .catch((error: unknown) => {
            throw lineSizeError(error, input.inputs.map((f) => f.key).join(', ')) ?? error;
          });
        if (output.rows.written === 0) {
          throw new BadDataError(
            { file: input.inputs.map((f) => f.key).join(', ') || storageKeys.rawDay(dataset, date) },
            `no usable rows for ${date} (${output.rows.read} read, ${output.rows.rejected} rejected)`,
          );
        }
        return output;
      });

      const processedKeys = await Promise.all(
        result.tables.map(async (table) => {
          const key = storageKeys.processed(dataset, date, table);
          await deps.objects.putFile(key, tablePath(table), { contentType: 'application/vnd.apache.parquet' });
          return key;
        }),
      );
      const mainTable = result.tables[0] ?? module.name;
      const rejectsKey = storageKeys.rejects(dataset, date, mainTable);
      if (await exists(rejectsPath)) await deps.objects.putFile(rejectsKey, rejectsPath);
      else await deps.objects.put(rejectsKey, '');
      Context.current().log.info('transformed day', { dataset, date, tables: result.tables, ...result.rows });
      return { processedKey: processedKeys[0] ?? '', processedKeys, rejectsKey, rows: result.rows };
    } finally {
      connection.closeSync();
      await rm(scratch, { recursive: true, force: true });
    }
  }

  return { transformDay };
}
