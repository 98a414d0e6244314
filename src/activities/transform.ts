/** Transform activities: raw files of a dataset-day → Parquet table and quarantined rejects. */
import { Context } from '@temporalio/activity';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipelineFor } from '../datasets/registry.js';
import { writeParquetFile } from '../parquet/write.js';
import type { DatasetName } from '../shared/datasets.js';
import { BadDataError } from '../shared/errors.js';
import { storageKeys } from '../shared/keys.js';
import type { InputFile, RowCounts } from '../storage/records.js';
import { noteFallbackReads } from './day-runs.js';
import type { ActivityDeps } from './deps.js';
import { classifyingBadData } from './failures.js';

export interface TransformDayInput {
  readonly dataset: DatasetName;
  readonly date: string;
  readonly inputs: readonly InputFile[];
}

export interface TransformDayOutput {
  readonly processedKey: string;
  readonly rejectsKey: string;
  readonly rows: RowCounts;
}

export function createTransformActivities(deps: ActivityDeps) {
  /**
   * Parses and validates the day's raw files, writes the clean rows as Parquet and every rejected
   * row (file, line, column, reason) as JSON lines. Idempotent: same raw bytes, same outputs,
   * both overwritten. A wrong header, an unreadable file or a day with no rows fails non-retryably.
   */
  async function transformDay(input: TransformDayInput): Promise<TransformDayOutput> {
    const pipeline = pipelineFor(input.dataset);
    const reads = await Promise.all(
      input.inputs.map(async (file) => ({ source: file.source, read: await deps.objects.read(file.key) })),
    );
    await noteFallbackReads(
      deps,
      input,
      reads.map((r) => r.read),
    );
    const raws = reads.map(({ source, read }) => ({ source, file: read.key, body: read.body }));
    const result = await classifyingBadData(() => {
      const transformed = pipeline.transform(input.date, raws);
      if (transformed.records.length === 0) {
        throw new BadDataError(
          { file: raws.map((r) => r.file).join(', ') },
          `no usable rows for ${input.date} (${transformed.rowsRead} read, ${transformed.rejects.length} rejected)`,
        );
      }
      return transformed;
    });

    const scratch = await mkdtemp(path.join(deps.scratchDir, 'transform-'));
    try {
      const local = path.join(scratch, `${pipeline.table}.parquet`);
      const written = await writeParquetFile(
        deps.duckdb,
        result.records as Record<string, unknown>[],
        pipeline.columns,
        local,
      );
      const processedKey = storageKeys.processed(input.dataset, input.date, pipeline.table);
      await deps.objects.putFile(processedKey, local);
      const rejectsKey = storageKeys.rejects(input.dataset, input.date, pipeline.table);
      await deps.objects.put(rejectsKey, result.rejects.map((r) => `${JSON.stringify(r)}\n`).join(''));
      const rows = { read: result.rowsRead, written, rejected: result.rejects.length };
      Context.current().log.info('transformed day', { processedKey, ...rows });
      return { processedKey, rejectsKey, rows };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  return { transformDay };
}
