/** Planning activities: what a day runs and reads, from the dataset modules (workflows cannot import them). */
import { dailyDatasetNames } from '../datasets/catalog.js';
import type { DayInput } from '../datasets/inputs.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { DROP_SOURCE, storageKeys } from '../workflow-safe/keys.js';
import type { InputFile } from '../workflow-safe/day-records.js';
import { datasetOf } from './dataset-of.js';
import type { ActivityDeps } from './deps.js';
import { readRawMeta } from './raw-meta.js';

export interface PlanDayInput {
  readonly dataset: DatasetName;
  readonly date: string;
}

/** A source to download for the day. */
export interface PlannedDownload {
  readonly source: string;
  readonly url: string;
  readonly extension: string;
}

export interface DayPlan {
  /** Sources fetched after the day, one download each. */
  readonly downloads: readonly PlannedDownload[];
  /** Files already stored for the day (claimed drops, snapshots), in order of arrival. */
  readonly files: readonly InputFile[];
}

export function createPlanActivities(deps: ActivityDeps) {
  /** The stored files of the day under `folder` (their `.meta.json` beside them), oldest first. */
  async function storedFiles(folder: string, source: (key: string) => string | null): Promise<InputFile[]> {
    const listed = await deps.objects.list(folder);
    const found = await Promise.all(
      listed
        .filter((o) => o.key.endsWith('.meta.json'))
        .map(async (o) => {
          const key = o.key.slice(0, -'.meta.json'.length);
          const name = source(key);
          if (name === null) return null;
          const meta = await readRawMeta(deps.objects, key);
          if (!meta) return null;
          const arrived = meta.claimedAt ?? meta.fetchedAt ?? '';
          return { arrived, file: { source: name, key, sha256: meta.sha256, bytes: meta.bytes } };
        }),
    );
    return found
      .filter((f) => f !== null)
      .sort((a, b) => a.arrived.localeCompare(b.arrived) || a.file.key.localeCompare(b.file.key))
      .map((f) => f.file);
  }

  async function filesOf(dataset: string, date: string, input: DayInput): Promise<InputFile[]> {
    const folder = storageKeys.rawDay(dataset, date);
    if (input.kind === 'drop') {
      const prefix = `${folder}/${DROP_SOURCE}-`;
      return storedFiles(folder, (key) => (key.startsWith(prefix) ? DROP_SOURCE : null));
    }
    if (input.kind === 'snapshot') {
      const sourceFolder = `${folder}/${input.source}`;
      return storedFiles(sourceFolder, (key) => (key.startsWith(`${sourceFolder}/`) ? input.source : null));
    }
    return [];
  }

  /**
   * The day's inputs: the sources to download (URLs computed from the date) and the files already
   * claimed or collected for it. Read-only; an unknown dataset fails non-retryably.
   */
  async function planDay(input: PlanDayInput): Promise<DayPlan> {
    const { module, config } = datasetOf(deps.datasets, input.dataset);
    const inputs = module.inputs(input.date, config);
    const downloads = inputs.flatMap((i) =>
      i.kind === 'http' ? [{ source: i.source, url: i.url, extension: i.extension }] : [],
    );
    const files = (await Promise.all(inputs.map((i) => filesOf(input.dataset, input.date, i)))).flat();
    return { downloads, files };
  }

  /** The datasets a day runs when its run does not name them (those the daily schedule runs). */
  function dailyDatasets(input: { readonly date: string }): Promise<string[]> {
    return Promise.resolve(dailyDatasetNames(deps.datasets, input.date));
  }

  /**
   * The dataset a backfill of `datasets` (else of those a day runs) runs in ranges: its one dataset,
   * when that dataset has the `ranged-runs` capability; else null (its days run per day).
   */
  function rangeDataset(input: {
    readonly date: string;
    readonly datasets?: readonly string[];
  }): Promise<string | null> {
    const datasets = input.datasets ?? dailyDatasetNames(deps.datasets, input.date);
    const [only] = datasets;
    const ranged = datasets.length === 1 && only !== undefined && deps.datasets.capability('ranged-runs', only);
    return Promise.resolve(ranged ? only : null);
  }

  return { planDay, dailyDatasets, rangeDataset };
}
