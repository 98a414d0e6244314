/** Custom search attributes of every pipeline workflow (DESIGN §2). Operators filter on them. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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
