/** Custom search attributes of every pipeline workflow, operators filter on them (docs/architecture.md). */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { partitionDateAttribute } from './partition.js';

export const PartitionDate = defineSearchAttributeKey('PartitionDate', SearchAttributeType.DATETIME);
export const Dataset = defineSearchAttributeKey('Dataset', SearchAttributeType.KEYWORD);
export const RunKindAttribute = defineSearchAttributeKey('RunKind', SearchAttributeType.KEYWORD);
export const BackfillId = defineSearchAttributeKey('BackfillId', SearchAttributeType.KEYWORD);
export const PipelineStageAttribute = defineSearchAttributeKey('PipelineStage', SearchAttributeType.KEYWORD);

/** Every custom attribute, for registering them with a server. */
export const SEARCH_ATTRIBUTES = [
  PartitionDate,
  Dataset,
  RunKindAttribute,
  BackfillId,
  PipelineStageAttribute,
] as const;

/** `--search-attribute Name=Type` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  const cliType: Record<string, string> = { DATETIME: 'Datetime', KEYWORD: 'Keyword' };
  return SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type] ?? key.type}`]);
}

/** Set by the server on runs started by a Schedule: the nominal time of the action. */
export const TemporalScheduledStartTime = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

/**
 * The attributes a day's workflow starts with — `PartitionDate`, `RunKind`, `PipelineStage` at
 * download, `BackfillId` in a backfill, `Dataset` on a dataset's child — so that operators find it
 * in the Web UI before its first task runs.
 */
export function dayAttributes(day: {
  readonly date: string;
  readonly runKind: string;
  readonly backfillId?: string | undefined;
  readonly dataset?: string;
}): SearchAttributePair[] {
  return [
    { key: PartitionDate, value: partitionDateAttribute(day.date) },
    ...(day.dataset ? [{ key: Dataset, value: day.dataset }] : []),
    { key: RunKindAttribute, value: day.runKind },
    { key: PipelineStageAttribute, value: 'download' },
    ...(day.backfillId ? [{ key: BackfillId, value: day.backfillId }] : []),
  ];
}
