/**
 * The input inspector on every route (preValidation: after the body is parsed, before the JSON
 * schema), with the field kinds each route declares in `config.inspect`. Headers get one map for
 * all routes: the ones Anvil reads are identifiers, cookies (which the API never reads, and which
 * a browser sends for any localhost app) are free text, every other header is a `header`.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/index.js';
import { createInspector, inspectionHook, type FieldKindMap, type Inspector, type Rejection } from '../../security/inspect/index.js';

export const headerKinds: FieldKindMap = {
  'x-request-id': 'identifier',
  'last-event-id': 'identifier',
  'x-api-key': 'identifier',
  cookie: 'text',
  '*': 'header',
};

export function createServerInspector(config: Config): Inspector {
  const { limits, inspect } = config.security;
  return createInspector({
    mode: inspect.mode,
    paranoia: inspect.paranoia,
    limits: {
      maxBodyBytes: config.server.bodyLimitBytes,
      maxDepth: limits.maxDepth,
      maxArrayLength: limits.maxArrayLength,
      maxStringLength: limits.maxStringLength,
      maxKeys: limits.maxKeys,
      maxHeaderBytes: limits.maxHeaderBytes,
      maxQueryParameters: limits.maxQueryParameters,
    },
  });
}

export function registerInspection(app: FastifyInstance, { inspector, onRejection }: { inspector: Inspector; onRejection?: (rejection: Rejection) => void }): void {
  app.addHook('preValidation', inspectionHook({ inspector, onRejection }));
}
