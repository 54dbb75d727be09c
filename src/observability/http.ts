import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Telemetry } from './telemetry.js';

/** The label for requests no route matched: one series, whatever the URL was. */
export const unmatchedRoute = 'unmatched';

/**
 * Request ids: a caller's `x-request-id` is kept when it is a short token (so a load balancer's id
 * follows the request through the logs), anything else is replaced by a UUID. Taken whole from
 * the header, an id could carry newlines or kilobytes into every log line of the request.
 */
export function requestIdOptions() {
  return {
    requestIdHeader: false as const,
    // Logged as `requestId`, beside `runId` and `taskId` in worker lines.
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId(request: IncomingMessage): string {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:@-]{1,128}$/.test(given) ? given : randomUUID();
    },
  };
}

export interface HttpTelemetryOptions {
  telemetry: Telemetry;
  /** Emit `http.request` per response (metrics on). */
  metrics: boolean;
  /** A span per request when tracing is on. */
  tracer?: Tracer;
}

const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? unmatchedRoute;

/**
 * Fastify hooks: the response carries its request id; each response becomes an `http.request`
 * telemetry event labelled by route template (never the raw URL); and, when tracing, a server
 * span. Hooks that are not needed are not added, so a switched-off feature costs nothing.
 */
export function registerHttpTelemetry(app: FastifyInstance, { telemetry, metrics, tracer }: HttpTelemetryOptions): void {
  // Callback-style hooks: on the hottest path an async hook's promise is measurable.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  if (metrics) {
    app.addHook('onResponse', (request, reply, done) => {
      telemetry.emit('http.request', { method: request.method, route: routeOf(request), status: reply.statusCode, durationMs: reply.elapsedTime });
      done();
    });
  }
  if (!tracer) return;
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', async (request) => {
    spans.set(
      request,
      tracer.startSpan(`${request.method}`, {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'url.path': request.url.split('?')[0], 'anvil.request_id': request.id },
      }),
    );
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    const route = routeOf(request);
    span.updateName(`${request.method} ${route}`);
    span.setAttributes({ 'http.route': route, 'http.response.status_code': reply.statusCode });
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    spans.delete(request);
  });
}
