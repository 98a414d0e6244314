/**
 * Traces: OpenTelemetry spans through `@temporalio/interceptors-opentelemetry`, one trace per
 * workflow started from outside (e.g. `courant run`): the client's `StartWorkflow` span, then the
 * workflow (`RunWorkflow`), its children (`StartChildWorkflow`, `RunWorkflow`) and every activity
 * (`StartActivity` in the workflow, `RunActivity` in the worker), linked by a W3C trace context
 * carried in Temporal headers. Spans are batched and exported in the background with OTLP/HTTP
 * (protobuf) to OTEL_EXPORTER_OTLP_ENDPOINT, or to an exporter a test injects; a collector that
 * does not answer loses spans (logged once per outage), never time or a day.
 * Without either, tracing is off: no interceptor, no workflow interceptor module in the bundle.
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { withoutCredentials } from './redacted-url.js';
import { loggedExporter } from './tracing-export.js';

/** What a process traces with: interceptors for its client and its workers, and how to stop. */
export interface Tracing {
  /** For `new Client({ interceptors: { workflow } })`: a span per start, signal, query…, its context sent along. */
  readonly clientInterceptors: WorkflowClientInterceptor[];
  /** For Worker.create's `interceptors.activity`: a span per activity attempt, child of the workflow's. */
  readonly activityInterceptor: ActivityInterceptorsFactory;
  /** For Worker.create's `sinks`: where the workflow interceptors hand their spans over. */
  readonly sinks: InjectedSinks<OpenTelemetrySinks>;
  /** For bundleWorkflowCode's `workflowInterceptorModules`: the workflow interceptors, run in the sandbox. */
  readonly workflowModules: readonly string[];
  /** Exports every span ended so far (tests read an in-memory exporter after it); never rejects. */
  flush(): Promise<void>;
  /** Exports what is left, waiting a few seconds at most, then stops; never rejects. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Names the process in `service.name` (`courant-worker`, `courant-cli`) when OTEL_SERVICE_NAME is unset. */
  readonly role: 'worker' | 'cli';
  /** Receives the spans instead of the OTLP exporter, even without an endpoint (tests: an InMemorySpanExporter). */
  readonly exporter?: SpanExporter;
}

/** How long one export may take, and how long a shutdown waits for the last ones. */
const EXPORT_TIMEOUT_MS = 5_000;
const SHUTDOWN_WAIT_MS = 5_000;

let contextInstalled = false;

/**
 * The process-wide pieces the interceptors rely on, installed once: an async-local context (so a
 * span started in an interceptor is the parent of what runs inside it) and W3C trace-context
 * propagation (what the headers carry). Tracers stay per Tracing: none is registered globally.
 */
function installTraceContext(): void {
  if (contextInstalled) return;
  contextInstalled = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/** The OTLP/HTTP exporter for `{endpoint}/v1/traces` (the OTel rule for the signal-neutral variable), its failures logged. */
function otlpExporter(config: Config['tracing'], endpoint: string, logger: Logger): SpanExporter {
  const url = `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  const exporter = new OTLPTraceExporter({ url, headers: { ...config.otlpHeaders }, timeoutMillis: EXPORT_TIMEOUT_MS });
  return loggedExporter(exporter, logger.child({ component: 'tracing' }), withoutCredentials(url));
}

/** The workflow interceptor modules tracing bundles with the workflows (the package's own: inbound, outbound, internals). */
export function tracingWorkflowModules(): string[] {
  return [createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];
}

/**
 * Tracing as configured: OTLP to OTEL_EXPORTER_OTLP_ENDPOINT, or `options.exporter` when given;
 * null when neither (tracing off). Export never blocks a caller: spans are queued (2048 at most,
 * the rest dropped) and sent in batches in the background.
 */
export function startTracing(config: Config, logger: Logger, options: TracingOptions): Tracing | null {
  const endpoint = config.tracing.otlpEndpoint;
  const exporter = options.exporter ?? (endpoint === null ? null : otlpExporter(config.tracing, endpoint, logger));
  if (exporter === null) return null;
  installTraceContext();
  const resource = Resource.default().merge(
    new Resource({
      [ATTR_SERVICE_NAME]: config.tracing.serviceName ?? `courant-${options.role}`,
      [ATTR_SERVICE_VERSION]: config.codeVersion,
    }),
  );
  const processor = new BatchSpanProcessor(exporter);
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  const tracer = provider.getTracer('courant');
  return {
    clientInterceptors: [new OpenTelemetryWorkflowClientInterceptor({ tracer })],
    activityInterceptor: (ctx) => ({
      inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
      outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
    }),
    sinks: { exporter: makeWorkflowExporter(processor, resource) },
    workflowModules: tracingWorkflowModules(),
    // A failed export rejects the flush; it was logged by the exporter, and must not fail the caller's close.
    flush: () => provider.forceFlush().catch(() => undefined),
    async shutdown() {
      const stopped = provider.shutdown().catch(() => undefined);
      await Promise.race([stopped, sleep(SHUTDOWN_WAIT_MS, undefined, { ref: false })]);
    },
  };
}
