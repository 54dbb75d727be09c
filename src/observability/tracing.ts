import { context, SpanKind, SpanStatusCode, type Attributes, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Telemetry } from './telemetry.js';

export interface TracingOptions {
  /** OTLP/HTTP base URL (as OTEL_EXPORTER_OTLP_ENDPOINT): spans go to `<endpoint>/v1/traces`. */
  endpoint: string;
  serviceName?: string;
  /** Agent steps become spans from these events. */
  telemetry: Telemetry;
  /** Longest wait for a batch export; default 10 000 ms. */
  exportTimeoutMs?: number;
}

export interface Tracing {
  readonly tracer: Tracer;
  /** Sends what is buffered. */
  flush(): Promise<void>;
  /** Flushes and stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry traces, exported over OTLP/HTTP (JSON) in batches. Only built when an endpoint is
 * configured: otherwise no SDK exists and callers get no tracer, so tracing costs nothing. The
 * tracer is the runtime's and is passed explicitly (no global tracer provider is registered); the
 * one process-wide piece is the AsyncLocalStorage context manager, which OpenTelemetry's API keeps
 * globally and which only carries the active span across awaits.
 */
export function createTracing({ endpoint, serviceName = 'anvil', telemetry, exportTimeoutMs = 10_000 }: TracingOptions): Tracing {
  // The first runtime that traces installs it; later ones find it there and reuse it.
  const contextManager = new AsyncLocalStorageContextManager().enable();
  if (!context.setGlobalContextManager(contextManager)) contextManager.disable();
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces`, timeoutMillis: exportTimeoutMs });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1_000, exportTimeoutMillis: exportTimeoutMs })],
  });
  const tracer = provider.getTracer('anvil');
  const unsubscribe = telemetry.on('agent.step', (step) => {
    const now = Date.now();
    const span = tracer.startSpan('agent.step', {
      startTime: now - step.durationMs,
      attributes: { 'anvil.step.index': step.index, 'anvil.step.tool_calls': step.toolCalls, 'gen_ai.usage.input_tokens': step.inputTokens, 'gen_ai.usage.output_tokens': step.outputTokens },
    });
    span.end(now);
  });
  return {
    tracer,
    flush: () => provider.forceFlush(),
    async shutdown() {
      unsubscribe();
      await provider.shutdown();
    },
  };
}

/**
 * Runs `work` inside a span (made the active one, so spans started within nest under it). Without
 * a tracer it only runs `work`.
 */
export async function inSpan<T>(tracer: Tracer | undefined, name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  if (!tracer) return work();
  return tracer.startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
