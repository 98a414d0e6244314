/** An imported day's source taken from the file: the raw file `importSource` stores for it. */
import { Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import type { ImportedFile } from '../datasets/capabilities/file-import.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import type { ImportRef } from '../workflow-safe/imports.js';
import { storageKeys } from '../workflow-safe/keys.js';
import type { InputFile } from '../workflow-safe/day-records.js';
import { datasetOf } from './dataset-of.js';
import type { ActivityDeps } from './deps.js';
import { refusedReplacement } from './raw-precedence.js';
import { readRawMeta, writeRawMeta } from './raw-meta.js';

export interface ImportSourceInput {
  readonly dataset: DatasetName;
  readonly date: string;
  readonly source: string;
  readonly importRef: ImportRef;
}

/** An imported day's source as stored: the raw file, and its bytes when this call took them from the file. */
export interface ImportedSource {
  readonly file: InputFile;
  readonly body?: Uint8Array;
}

/**
 * One source of an imported day from the file already read: its rows written as the day's raw file
 * (see `importSource`), or the stored raw file for a source the file has no rows for, else null.
 * The stored raw file is also kept when the module's `revisions.replaces` refuses the file's rows
 * (eCO2mix: an older nature never replaces a newer one).
 */
export async function takeImportedSource(
  deps: ActivityDeps,
  file: ImportedFile,
  input: ImportSourceInput,
): Promise<ImportedSource | null> {
  const { dataset, date, source, importRef } = input;
  const { module, config } = datasetOf(deps.datasets, dataset);
  const planned = module.inputs(date, config).find((i) => i.kind === 'http' && i.source === source);
  const extension = planned?.kind === 'http' ? planned.extension : 'dat';
  const contentType = extension === 'csv' ? 'text/csv; charset=utf-8' : 'application/octet-stream';
  const key = storageKeys.raw(dataset, date, source, extension);
  const existing = await readRawMeta(deps.objects, key);
  const exported = file.dayFile(date, source);
  if (!exported) return existing ? { file: { source, key, sha256: existing.sha256, bytes: existing.bytes } } : null;

  const { body } = exported;
  const sha256 = createHash('sha256').update(body).digest('hex');
  const stored = { source, key, sha256, bytes: body.byteLength };
  if (existing?.sha256 === sha256) return { file: stored, body };
  const refused = existing
    ? await refusedReplacement(
        deps,
        { module, config },
        {
          date,
          source,
          key,
          storedSha256: existing.sha256,
          body,
          sha256,
        },
      )
    : null;
  if (existing && refused !== null) {
    Context.current().log.warn('the imported file’s day is older than the stored one: the stored file is kept', {
      key,
      import: importRef.key,
      reason: refused,
    });
    return { file: { source, key, sha256: existing.sha256, bytes: existing.bytes } };
  }
  await deps.objects.put(key, body, { contentType });
  const meta = {
    url: `${deps.objects.location.replace(/\/+$/, '')}/${importRef.key}`,
    fetchedAt: new Date().toISOString(),
    bytes: body.byteLength,
    sha256,
    contentType,
    import: { ...importRef, ...exported.facts },
    ...(existing ? { replaces: { sha256: existing.sha256, ...(existing.url ? { url: existing.url } : {}) } } : {}),
  };
  await writeRawMeta(deps.objects, key, meta);
  Context.current().log.info('took the day from an imported file', { key, import: importRef.key });
  return { file: stored, body };
}
