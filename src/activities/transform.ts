/** Transform activities: a dataset-day's raw files → its Parquet tables and quarantined rejects. */
import { Context } from '@temporalio/activity';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DayFile } from '../datasets/inputs.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { BadDataError } from '../workflow-safe/errors.js';
import { DROP_SOURCE, storageKeys } from '../workflow-safe/keys.js';
import type { InputFile, OutputFile, RowCounts } from '../workflow-safe/day-records.js';
import { noteFallbackReads } from './day-runs.js';
import type { ActivityDeps } from './deps.js';
import { classifyingBadData } from './failures.js';
import { outputsFrom, readDayOutputs } from './day-outputs.js';
import { bytesKeyOf, readRawMeta } from './raw-meta.js';
import { transformRange } from './transform-range.js';
import { costStage } from '../cost/ledger.js';

export interface TransformDayInput {
  readonly dataset: DatasetName;
  readonly date: string;
  /** The day's raw files in order of arrival: a later file wins over an earlier one. */
  readonly inputs: readonly InputFile[];
}

export interface TransformDayOutput {
  /** Every table written, main table first. */
  readonly processedKeys: readonly string[];
  readonly rejectsKey: string;
  readonly rows: RowCounts;
  /** The tables and rejects as stored, for the day record (absent when an older import pass did not keep them). */
  readonly files?: readonly OutputFile[];
}

/**
 * What a file's `.meta.json` adds for the module: where a dropped file's bytes are (`key`: stored
 * once for all the days it covers), the options it was given, the slot a snapshot was taken in.
 * Downloads have none of these (their meta is not read).
 */
export async function factsOf(
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

export function createTransformActivities(deps: ActivityDeps) {
  /**
   * Copies the day's raw files to local disk, lets the dataset's module turn them into Parquet
   * tables with DuckDB (a range of one day: transform-range.ts, as an import's passes), and stores
   * the tables under `processed/` and every rejected row (file, line, column, reason) under
   * `quarantine/`. Idempotent: same raw bytes, same outputs, all overwritten. A day an import's pass
   * already transformed from the same raw files by the same code version (day-outputs.ts) is taken
   * as it is. A file that cannot be read at all, or a day with no usable row, fails non-retryably.
   */
  async function transformDay(input: TransformDayInput): Promise<TransformDayOutput> {
    const { dataset, date } = input;
    // Only a dataset with file imports has days transformed by an import's passes.
    const recorded = deps.datasets.capability('file-import', dataset)
      ? await costStage('import outputs', () => readDayOutputs(deps.objects, dataset, date))
      : null;
    if (recorded && outputsFrom(recorded, input.inputs, deps.codeVersion)) {
      Context.current().log.info('day transformed by its import', { dataset, date, ...recorded.transform.rows });
      return recorded.transform;
    }
    // Tables of other inputs are about to replace the recorded ones.
    if (recorded) await deps.objects.delete(storageKeys.dayOutputs(dataset, date));
    const scratch = await mkdtemp(path.join(deps.scratchDir, 'transform-'));
    const connection = await deps.duckdb.connect();
    try {
      await mkdir(path.join(scratch, 'raw'));
      const copies = await costStage('copy in', () =>
        Promise.all(
          input.inputs.map(async (file, order) => {
            const facts = await factsOf(deps, file, date);
            const local = path.join(scratch, 'raw', `${order}-${path.posix.basename(facts.key)}`);
            const read = await deps.objects.getToFile(facts.key, local);
            const day: DayFile = { source: file.source, path: local, sha256: file.sha256, order, ...facts };
            return { read, day };
          }),
        ),
      );
      await noteFallbackReads(
        deps,
        input,
        copies.map((c) => c.read),
      );
      const { output, stored } = await classifyingBadData(async () => {
        const days = [{ date, files: copies.map((c) => c.day) }];
        const transformed = (await transformRange(deps, { dataset, db: connection, scratch }, days)).get(date);
        if (!transformed?.stored) {
          const rows = transformed?.output.rows;
          throw new BadDataError(
            { file: input.inputs.map((f) => f.key).join(', ') || storageKeys.rawDay(dataset, date) },
            `no usable rows for ${date} (${rows?.read ?? 0} read, ${rows?.rejected ?? 0} rejected)`,
          );
        }
        return { output: transformed.output, stored: transformed.stored };
      });
      Context.current().log.info('transformed day', { dataset, date, tables: output.tables, ...output.rows });
      return {
        processedKeys: stored.tables.map((t) => t.key),
        rejectsKey: stored.rejectsKey,
        rows: output.rows,
        files: stored.files,
      };
    } finally {
      connection.closeSync();
      await rm(scratch, { recursive: true, force: true });
    }
  }

  return { transformDay };
}
