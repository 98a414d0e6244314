/**
 * Import activities (`courant import`): the days an imported file covers, and each day's raw files
 * taken from it by its dataset's module, in place of a download. The stored file is read once per
 * worker and kept (the last two files), so a year's 365 days read it once.
 */
import { createHash } from 'node:crypto';
import type { ImportedFile } from '../datasets/capabilities/file-import.js';
import type { BackfillMode } from '../workflow-safe/backfill.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { BadDataError } from '../workflow-safe/errors.js';
import type { ImportRef } from '../workflow-safe/imports.js';
import { ObjectNotFoundError } from '../storage/object-store.js';
import type { InputFile } from '../workflow-safe/day-records.js';
import { planBackfillDays } from './backfill-plan.js';
import type { ActivityDeps } from './deps.js';
import { datasetOf } from './dataset-of.js';
import { classifyingBadData } from './failures.js';
import { transformDays, type TransformImportDaysInput, type TransformImportDaysOutput } from './import-days.js';
import { takeImportedSource, type ImportSourceInput } from './imported-source.js';

export interface PlanImportInput {
  readonly importRef: ImportRef;
  readonly from: string;
  readonly to: string;
  readonly mode: BackfillMode;
  readonly datasets?: readonly DatasetName[];
}

const CACHED_FILES = 2;

/** The stored file, checked against its sha256, read by its dataset's module. Throws BadDataError. */
async function readImport(deps: ActivityDeps, ref: ImportRef): Promise<ImportedFile> {
  // A dataset this worker does not run fails as UnknownDataset, not as one without the capability.
  datasetOf(deps.datasets, ref.dataset);
  const fileImport = deps.datasets.capability('file-import', ref.dataset);
  if (!fileImport) throw new BadDataError({ file: ref.key }, `${ref.dataset} files cannot be imported`);
  let body: Uint8Array;
  try {
    body = (await deps.objects.read(ref.key)).body;
  } catch (error) {
    if (!(error instanceof ObjectNotFoundError)) throw error;
    throw new BadDataError({ file: ref.key }, 'the imported file is not in the object store: import it again');
  }
  const sha256 = createHash('sha256').update(body).digest('hex');
  if (sha256 !== ref.sha256) {
    throw new BadDataError({ file: ref.key }, `the stored file's sha256 is ${sha256}, not ${ref.sha256}`);
  }
  return fileImport.open(body, ref.key.split('/').pop() ?? ref.key);
}

export function createImportActivities(deps: ActivityDeps) {
  const parsed = new Map<string, Promise<ImportedFile>>();
  const load = (ref: ImportRef): Promise<ImportedFile> => {
    let file = parsed.get(ref.sha256);
    if (!file) {
      file = readImport(deps, ref);
      parsed.set(ref.sha256, file);
      file.catch(() => parsed.delete(ref.sha256));
      for (const sha of parsed.keys()) if (parsed.size > CACHED_FILES) parsed.delete(sha);
    }
    return classifyingBadData(() => file);
  };

  /**
   * The days of [from, to] the imported file covers (at least one consumption value), in order;
   * with mode missing or failed, only those the day records plan too. Read-only.
   */
  async function planImport(input: PlanImportInput): Promise<string[]> {
    const days = (await load(input.importRef)).days.filter((d) => d >= input.from && d <= input.to);
    if (input.mode === 'all') return days;
    const datasets = input.datasets ?? [input.importRef.dataset];
    const planned = new Set(await planBackfillDays(deps.records, { ...input, datasets }));
    return days.filter((d) => planned.has(d));
  }

  /**
   * One source of an imported day: its rows of the file, written as the day's raw file in the
   * format the source's download has, with a `.meta.json` naming the import (replacing a raw file of other content,
   * whose sha256 the meta keeps). A source the file has no rows for keeps its stored raw file if
   * there is one, else is skipped (null): an imported day never calls the API. Idempotent.
   */
  async function importSource(input: ImportSourceInput): Promise<InputFile | null> {
    return (await takeImportedSource(deps, await load(input.importRef), input))?.file ?? null;
  }

  /**
   * The days of an import, transformed and measured in passes over many days (see import-days.ts):
   * what each day's own steps then find done. Returns how many days were transformed.
   */
  async function transformImportDays(input: TransformImportDaysInput): Promise<TransformImportDaysOutput> {
    return transformDays(deps, await load(input.importRef), input);
  }

  return { planImport, importSource, transformImportDays };
}
