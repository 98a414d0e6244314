/**
 * The span exporter's failures, seen by an operator: an exporter wrapper that logs the first failed
 * export of an outage once (warn) and its end once (info), and counts the spans dropped meanwhile.
 * Nothing is retried here: a failed batch is dropped, so a collector that does not answer costs a
 * day nothing.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';

/**
 * Wraps `exporter`; every call goes to it unchanged. `endpoint` names the collector in the logs
 * (never its headers).
 */
export function loggedExporter(exporter: SpanExporter, logger: Logger, endpoint: string): SpanExporter {
  let droppedSpans = 0;
  const exported = (spans: readonly ReadableSpan[], result: ExportResult): void => {
    if (result.code === ExportResultCode.SUCCESS) {
      if (droppedSpans > 0) logger.info({ endpoint, droppedSpans }, 'OTLP trace export works again');
      droppedSpans = 0;
      return;
    }
    if (droppedSpans === 0) {
      logger.warn(
        { endpoint, err: result.error },
        'OTLP trace export failed; spans are dropped until the collector answers (logged once per outage)',
      );
    }
    droppedSpans += Math.max(spans.length, 1);
  };
  return {
    export(spans, resultCallback) {
      exporter.export(spans, (result) => {
        exported(spans, result);
        resultCallback(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}
