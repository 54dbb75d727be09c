/**
 * The inspector as a Fastify hook. A route opts in through its config:
 *
 *   app.post('/api/v1/runs', { config: { inspect: { body: { goal: 'prompt', 'params.*': 'text' },
 *     query: { q: 'query' }, params: { id: 'identifier' } } }, preValidation: hook }, handler)
 *
 * or the hook is added globally (`app.addHook('preValidation', hook)`) and routes without
 * `config.inspect` are only held to the size limits. A rejection throws
 * `AnvilError('INPUT_REJECTED')` naming the field path and the rule (never the value), so the
 * API's error mapper answers 400; it is logged with the value's SHA-256 and length only, and
 * reported to `onRejection`, which is where metrics count rejections by rule.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AnvilError } from '../../errors.js';
import type { Inspector } from './inspector.js';
import type { FieldKindMap } from './field-walk.js';
import { findRequestBreach } from './limits.js';
import type { FieldKind } from './types.js';

/** Per-route field kinds, read from `routeOptions.config.inspect`. */
export interface RouteInspection {
  readonly body?: FieldKindMap;
  readonly query?: FieldKindMap;
  readonly params?: FieldKindMap;
  readonly headers?: FieldKindMap;
  /** Kind for fields the maps do not name; default `query` (strict). */
  readonly defaultKind?: FieldKind;
}

export interface Rejection {
  readonly route: string;
  readonly field: string;
  readonly rule: string;
  /** True when the inspector is in detect mode and the request went on. */
  readonly detectOnly: boolean;
}

export interface InspectionHookOptions {
  readonly inspector: Inspector;
  /** Called once per finding: the place to count rejections by rule and to audit. */
  readonly onRejection?: (rejection: Rejection) => void;
  /** Called for flag-only findings (prompt injection), which never reject. */
  readonly onFlag?: (flag: { route: string; field: string; rule: string }) => void;
}

type Source = 'body' | 'query' | 'params' | 'headers';
const sources: readonly Source[] = ['params', 'query', 'headers', 'body'];

function sha256(value: unknown): string {
  return createHash('sha256').update(typeof value === 'string' ? value : JSON.stringify(value) ?? '').digest('hex');
}

function valueAt(root: unknown, field: string): unknown {
  let current = root;
  for (const part of field.match(/[^.[\]"]+/g) ?? []) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export function inspectionHook({ inspector, onRejection, onFlag }: InspectionHookOptions) {
  return async function inspectRequest(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    const query = (request.query ?? {}) as Record<string, unknown>;
    const lengthHeader = request.headers['content-length'];
    const breach = findRequestBreach(
      { headers: request.headers, queryParameterCount: Object.keys(query).length, bodyBytes: lengthHeader === undefined ? undefined : Number(lengthHeader) },
      inspector.limits,
    );
    if (breach) throw new AnvilError(breach.code, `${breach.field} exceeds the limit of ${breach.limit}`, { field: breach.field, limit: breach.limit });

    const config = (request.routeOptions.config ?? {}) as { inspect?: RouteInspection };
    const inspection = config.inspect;
    for (const source of sources) {
      const root = request[source] as unknown;
      const fieldKinds = inspection?.[source];
      // Without declared kinds only the body is walked, for limits and structural keys.
      if (root === undefined || root === null || (!fieldKinds && source !== 'body')) continue;
      const verdict = inspector.inspectObject(root, fieldKinds ?? {}, { route, defaultKind: fieldKinds ? inspection?.defaultKind ?? 'query' : 'text' });
      if (verdict.limit) {
        const field = `${source}${verdict.limit.field === '$' ? '' : `.${verdict.limit.field}`}`;
        throw new AnvilError(verdict.limit.code, `${field} exceeds the limit of ${verdict.limit.limit}`, { field, limit: verdict.limit.limit });
      }
      for (const flag of verdict.flags) onFlag?.({ route, field: `${source}.${flag.field}`, rule: flag.rule });
      if (verdict.findings.length === 0) continue;
      const detectOnly = inspector.mode === 'detect';
      for (const finding of verdict.findings) {
        const field = `${source}.${finding.field}`;
        onRejection?.({ route, field, rule: finding.rule, detectOnly });
        const value = valueAt(root, finding.field);
        request.log?.warn({ route, field, rule: finding.rule, detectOnly, valueSha256: sha256(value), valueLength: typeof value === 'string' ? value.length : undefined }, 'input inspector finding');
      }
      if (verdict.blocked) {
        const first = verdict.findings[0]!;
        const field = `${source}.${first.field}`;
        throw new AnvilError('INPUT_REJECTED', `${field} was rejected by rule ${first.rule}`, { field, rule: first.rule });
      }
    }
  };
}
