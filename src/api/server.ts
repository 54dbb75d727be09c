import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Runtime } from '../runtime.js';
import { AnvilError } from '../errors.js';
import { registerHttpTelemetry, requestIdOptions } from '../observability/http.js';
import { registerMcpRoutes } from '../mcp/index.js';
import { registerDashboard, type DashboardOptions } from './dashboard.js';
import { sendError } from './errors.js';
import { registerSecurity, securityServerOptions, yamlBodyParser, type RegisterSecurityOptions } from './security/index.js';
import { installResponseCache } from './response-cache.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerCostSeriesRoutes } from './routes/cost-series.js';
import { registerCostRoutes } from './routes/costs.js';
import { registerOpenAiRoutes } from './openai/routes.js';
import { registerPeopleRoutes } from './routes/people.js';
import { registerAgentRoutes } from './routes/agents.js';
import { registerKeyRoutes } from './routes/keys.js';
import { registerLlmCacheRoutes } from './routes/llm-cache.js';
import { registerMemoryRoutes } from './routes/memories.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { registerRunBoardRoutes } from './routes/run-board.js';
import { registerRunEventRoutes } from './routes/run-events.js';
import { registerRunGuardianRoutes } from './routes/run-guardian.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerSystemRoutes } from './routes/system.js';
import { registerTaskRoutes } from './routes/tasks.js';
import { registerWorkflowRoutes } from './routes/workflows.js';

export interface ServerOptions {
  runtime: Runtime;
  /** The dashboard's files (see dashboard.ts); `false` serves none. */
  dashboard?: DashboardOptions | false;
  /** Inspector switch (benchmarks only) and the hook where metrics count inspector rejections. */
  security?: Pick<RegisterSecurityOptions, 'inspect' | 'onInspectorRejection'>;
}

/**
 * The HTTP interface: REST under /api/v1, Server-Sent Events for run events, OpenAPI at
 * /api/docs, /healthz and /readyz, and MCP for outside agents at /mcp (src/mcp). Every route declares JSON schemas; Ajv keeps unknown fields
 * (removeAdditional: false) so closed schemas reject them with a 400 naming the field.
 */
export async function buildServer({ runtime, dashboard = {}, security = {} }: ServerOptions): Promise<FastifyInstance> {
  // The runtime's pino logger is a subtype of Fastify's logger type; the cast only widens it.
  const app = Fastify({
    ...securityServerOptions(runtime.config),
    loggerInstance: runtime.logger.child({ component: 'http' }),
    bodyLimit: runtime.config.server.bodyLimitBytes,
    ...requestIdOptions(),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true, useDefaults: true } },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: runtime.config.security.limits.maxParamLength },
  }) as unknown as FastifyInstance;

  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  registerHttpTelemetry(app, { telemetry: runtime.telemetry, metrics: runtime.metrics !== undefined, tracer: runtime.tracer });
  // Before any route: keys, scopes, rate limits, headers and the inspector apply to every route.
  const { verifier, inspector } = await registerSecurity(app, {
    runtime,
    onInspectorRejection: (rejection) => runtime.telemetry.emit('inspector.rejection', { rule: rejection.rule, detectOnly: rejection.detectOnly }),
    ...security,
  });
  // Before any route: it acts on each route (config.responseCache, config.invalidates) as it is added.
  installResponseCache(app, {
    store: runtime.cache,
    bus: runtime.bus,
    enabled: runtime.config.cache.httpResponses,
    invalidationWindowMs: runtime.config.cache.httpInvalidationWindowMs,
    onError: (error) => app.log.warn({ err: error }, 'response cache operation failed'),
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(new AnvilError('NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`), request, reply),
  );
  // Workflow files can be posted as YAML as they are written.
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, yamlBodyParser(runtime.config.security.limits.maxDepth));

  await app.register(swagger, {
    openapi: {
      info: { title: 'Anvil API', version: '1', description: 'Multi-agent orchestration server' },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  registerHealthRoutes(app, runtime);
  registerOpenAiRoutes(app, runtime);
  registerMetricsRoute(app, runtime);
  registerMcpRoutes(app, { runtime, inspector });
  await app.register(
    async (api) => {
      registerWorkflowRoutes(api, runtime);
      registerRunRoutes(api, runtime);
      registerRunEventRoutes(api, runtime);
      registerRunGuardianRoutes(api, runtime);
      registerRunBoardRoutes(api, runtime);
      registerTaskRoutes(api, runtime);
      registerPeopleRoutes(api, runtime);
      registerMemoryRoutes(api, runtime);
      registerSystemRoutes(api, runtime);
      registerCostRoutes(api, runtime);
      registerCostSeriesRoutes(api, runtime);
      registerLlmCacheRoutes(api, runtime);
      registerKeyRoutes(api, runtime, verifier);
      registerAgentRoutes(api, runtime);
    },
    { prefix: '/api/v1' },
  );
  if (dashboard) await registerDashboard(app, dashboard);
  return app;
}
