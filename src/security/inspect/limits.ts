/**
 * Size limits, checked before any detector: a value too deep, too long or too wide is refused
 * with its own 4xx code rather than inspected, so inspection time stays bounded by these numbers.
 * Defaults are declared here; each is configurable per inspector.
 */
import type { ErrorCode } from '../../errors.js';

export interface InputLimits {
  /** Largest request body, in bytes (413 BODY_TOO_LARGE). */
  readonly maxBodyBytes: number;
  /** Deepest nesting of objects and arrays in a JSON body (400 INPUT_TOO_DEEP). */
  readonly maxDepth: number;
  /** Most elements in one array (400 INPUT_ARRAY_TOO_LONG). */
  readonly maxArrayLength: number;
  /** Longest string value or key, in characters (400 INPUT_STRING_TOO_LONG). */
  readonly maxStringLength: number;
  /** Most keys in one object (400 INPUT_TOO_MANY_KEYS). */
  readonly maxKeys: number;
  /** Total size of request header names and values, in bytes (431 HEADERS_TOO_LARGE). */
  readonly maxHeaderBytes: number;
  /** Most query-string parameters (400 QUERY_TOO_MANY_PARAMETERS). */
  readonly maxQueryParameters: number;
}

export const defaultLimits: InputLimits = {
  maxBodyBytes: 1_048_576,
  maxDepth: 32,
  maxArrayLength: 10_000,
  maxStringLength: 200_000,
  maxKeys: 1_000,
  maxHeaderBytes: 16_384,
  maxQueryParameters: 100,
};

export interface LimitBreach {
  readonly code: Extract<ErrorCode, 'BODY_TOO_LARGE' | 'INPUT_TOO_DEEP' | 'INPUT_ARRAY_TOO_LONG' | 'INPUT_STRING_TOO_LONG' | 'INPUT_TOO_MANY_KEYS' | 'HEADERS_TOO_LARGE' | 'QUERY_TOO_MANY_PARAMETERS'>;
  /** Field path where the limit was crossed (`$` for the whole body). */
  readonly field: string;
  readonly limit: number;
}

/** `^[A-Za-z_$][\w$-]*$`, by hand: this runs for every key of every body. */
function isPlainKey(key: string): boolean {
  if (key.length === 0) return false;
  for (let index = 0; index < key.length; index++) {
    const code = key.charCodeAt(index);
    const letter = (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36;
    if (!letter && (index === 0 || !((code >= 48 && code <= 57) || code === 45))) return false;
  }
  return true;
}

/** Child path for an object key or array index: `a.b`, `a[2]`, keys that are not names in brackets. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (isPlainKey(key)) return parent === '' ? key : `${parent}.${key}`;
  const quoted = JSON.stringify(key);
  return parent === '' ? quoted : `${parent}[${quoted}]`;
}

export function displayPath(path: string): string {
  return path === '' ? '$' : path;
}

/** Builds a field path from its keys, only when a breach must be reported. */
function pathOf(keys: ReadonlyArray<string | number>): string {
  return displayPath(keys.reduce<string>((path, key) => childPath(path, key), ''));
}

/** Walks a parsed JSON value and reports the first limit it crosses, if any. */
export function findLimitBreach(value: unknown, limits: InputLimits, keys: Array<string | number> = []): LimitBreach | undefined {
  if (typeof value === 'string') {
    return value.length > limits.maxStringLength ? { code: 'INPUT_STRING_TOO_LONG', field: pathOf(keys), limit: limits.maxStringLength } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (keys.length >= limits.maxDepth) return { code: 'INPUT_TOO_DEEP', field: pathOf(keys), limit: limits.maxDepth };
  if (Array.isArray(value)) {
    if (value.length > limits.maxArrayLength) return { code: 'INPUT_ARRAY_TOO_LONG', field: pathOf(keys), limit: limits.maxArrayLength };
    for (let index = 0; index < value.length; index++) {
      keys.push(index);
      const breach = findLimitBreach(value[index], limits, keys);
      keys.pop();
      if (breach) return breach;
    }
    return undefined;
  }
  const names = Object.keys(value);
  if (names.length > limits.maxKeys) return { code: 'INPUT_TOO_MANY_KEYS', field: pathOf(keys), limit: limits.maxKeys };
  for (const name of names) {
    if (name.length > limits.maxStringLength) return { code: 'INPUT_STRING_TOO_LONG', field: pathOf(keys), limit: limits.maxStringLength };
    keys.push(name);
    const breach = findLimitBreach((value as Record<string, unknown>)[name], limits, keys);
    keys.pop();
    if (breach) return breach;
  }
  return undefined;
}

/** Header and query-string limits, checked from the raw request. */
export function findRequestBreach(request: { headers: Record<string, string | string[] | undefined>; queryParameterCount: number; bodyBytes?: number }, limits: InputLimits): LimitBreach | undefined {
  if (request.bodyBytes !== undefined && request.bodyBytes > limits.maxBodyBytes) return { code: 'BODY_TOO_LARGE', field: '$', limit: limits.maxBodyBytes };
  let headerBytes = 0;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headerBytes += name.length + (Array.isArray(value) ? value.reduce((sum, item) => sum + item.length, 0) : value.length);
  }
  if (headerBytes > limits.maxHeaderBytes) return { code: 'HEADERS_TOO_LARGE', field: 'headers', limit: limits.maxHeaderBytes };
  if (request.queryParameterCount > limits.maxQueryParameters) return { code: 'QUERY_TOO_MANY_PARAMETERS', field: 'query', limit: limits.maxQueryParameters };
  return undefined;
}
