/** The check of a dataset's metrics document against its schema, before the document is stored. */
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import type { AnyDataset, MetricsDocument } from '../datasets/contract.js';
import { ErrorType } from '../workflow-safe/errors.js';

/**
 * Throws a non-retryable MetricsSchema failure naming the dataset, the day and every field at
 * fault when `document` does not fit the dataset's `metricsSchema`: the metrics code and its
 * schema disagree, which no retry heals.
 */
export function checkMetricsDocument(dataset: AnyDataset, date: string, document: MetricsDocument): void {
  const checked = dataset.metricsSchema.safeParse(document);
  if (checked.success) return;
  throw ApplicationFailure.create({
    type: ErrorType.MetricsSchema,
    nonRetryable: true,
    message: `${dataset.name} ${date}: the metrics document does not fit the dataset's metrics schema\n${z.prettifyError(checked.error)}`,
    cause: checked.error,
  });
}
