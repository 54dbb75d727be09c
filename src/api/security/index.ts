/**
 * The HTTP security layer, outermost first (DESIGN.md, Security): body and header size limits
 * (server options below), security headers and CORS, identification by API key, rate limit per
 * key or IP, authorisation by scope (deny by default), the JSON schema (Fastify), then the input
 * inspector. Registered on the root instance before any route, so every route inherits it.
 */
import type { FastifyInstance, FastifyServerOptions, RouteOptions } from 'fastify';
import type { Config } from '../../config/index.js';
import type { Runtime } from '../../runtime.js';
import type { Inspector, Rejection } from '../../security/inspect/index.js';
import { createKeyVerifier, isRouteScope, type KeyVerifier, type RouteScope } from '../../security/keys/index.js';
import { authorise, identifyHook } from './authenticate.js';
import { registerSecurityHeaders } from './headers.js';
import { createServerInspector, headerKinds, registerInspection } from './inspection.js';
import { registerRateLimit } from './rate-limit.js';
import type { DeclaredRoute } from './fastify-types.js';

export { presentedKey, isLoopbackPeer } from './authenticate.js';
export { headerKinds } from './inspection.js';
export { yamlBodyParser } from './yaml-depth.js';
export type { DeclaredRoute } from './fastify-types.js';

/** Timeouts and size limits that belong to the server itself rather than to a hook. */
export function securityServerOptions(config: Config): Pick<FastifyServerOptions, 'connectionTimeout' | 'requestTimeout'> & { http: { maxHeaderSize: number } } {
  const { security } = config;
  return {
    connectionTimeout: security.connectionTimeoutMs,
    requestTimeout: security.requestTimeoutMs,
    // Node refuses larger headers with 431 before any JavaScript of ours runs.
    http: { maxHeaderSize: security.limits.maxHeaderBytes },
  };
}

/** Routes that plugins declare (docs, CORS preflight, static files): public, declared here because they cannot declare it themselves. */
function pluginRouteScope(route: RouteOptions): RouteScope | undefined {
  if (route.url === '/api/docs' || route.url.startsWith('/api/docs/')) return 'public';
  if (route.method === 'OPTIONS' && route.url === '*') return 'public';
  // @fastify/static's file routes (the dashboard's build) carry the file's root in their config.
  if (typeof (route.config as { rootPath?: unknown } | undefined)?.rootPath === 'string') return 'public';
  return undefined;
}

export interface SecurityLayer {
  readonly verifier: KeyVerifier;
  readonly inspector: Inspector;
}

export interface RegisterSecurityOptions {
  runtime: Runtime;
  /** Told of every inspector finding: where metrics count rejections by rule. */
  onInspectorRejection?: (rejection: Rejection) => void;
  /** Turn the inspector off (benchmarks compare with and without it); default on. */
  inspect?: boolean;
}

export async function registerSecurity(app: FastifyInstance, { runtime, onInspectorRejection, inspect = true }: RegisterSecurityOptions): Promise<SecurityLayer> {
  const { config } = runtime;
  const verifier = createKeyVerifier({ db: runtime.db, bootstrapKey: config.security.adminKey, cacheTtlMs: config.security.keyCacheTtlMs });
  const inspector = createServerInspector(config);

  app.decorateRequest('tenant', undefined);
  app.decorateRequest('principal', undefined);
  app.decorateRequest('agent', undefined);
  const declaredRoutes: DeclaredRoute[] = [];
  app.decorate('declaredRoutes', declaredRoutes);
  app.addHook('onRoute', (route) => {
    const declared = route.config ?? {};
    const scope = declared.scope ?? pluginRouteScope(route);
    route.config = { ...declared, ...(scope ? { scope } : {}), inspect: { ...declared.inspect, headers: declared.inspect?.headers ?? headerKinds } };
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    const part = (name: 'params' | 'querystring' | 'body', kinds: 'params' | 'query' | 'body') => ({ schema: schema[name] !== undefined, kinds: declared.inspect?.[kinds] !== undefined });
    for (const method of [route.method].flat()) {
      declaredRoutes.push({ method, url: route.url, scope: isRouteScope(scope) ? scope : undefined, parts: { params: part('params', 'params'), querystring: part('querystring', 'query'), body: part('body', 'body') } });
    }
  });

  await registerSecurityHeaders(app, config.security);
  app.addHook('onRequest', identifyHook({ verifier, db: runtime.db }));
  if (config.security.rateLimit.enabled) await registerRateLimit(app, runtime);
  app.addHook('preParsing', authorise);
  if (inspect) registerInspection(app, { inspector, onRejection: onInspectorRejection });
  return { verifier, inspector };
}
