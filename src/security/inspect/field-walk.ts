/**
 * Walks a JSON body, giving every string its field path (`tasks[2].title`) and kind, and every
 * key a structural check (operator keys, prototype keys). Kinds are declared per route as a map
 * from field patterns to kinds:
 *
 *   { title: 'title', 'params.*': 'text', 'tags[]': 'identifier', 'filter.**': 'query' }
 *
 * `[]` matches any array index, `*` any one key, `**` any number of keys and indexes. A field the
 * map does not name gets the default kind.
 */
import { isOperatorKey } from './nosql-injection.js';
import { isPollutingKey } from './prototype-pollution.js';
import { childPath } from './limits.js';
import type { FieldKind } from './types.js';

export type FieldKindMap = Readonly<Record<string, FieldKind>>;

interface CompiledKinds {
  readonly exact: Map<string, FieldKind>;
  /** General paths no pattern matches: they take the walk's default kind. */
  readonly unmatched: Set<string>;
  readonly patterns: ReadonlyArray<readonly [RegExp, FieldKind]>;
}

const compiled = new WeakMap<FieldKindMap, CompiledKinds>();

function compile(fieldKinds: FieldKindMap): CompiledKinds {
  const cached = compiled.get(fieldKinds);
  if (cached) return cached;
  const exact = new Map<string, FieldKind>();
  const patterns: Array<readonly [RegExp, FieldKind]> = [];
  for (const [pattern, kind] of Object.entries(fieldKinds)) {
    if (!pattern.includes('*')) { exact.set(pattern, kind); continue; }
    const source = pattern
      .split(/(\*\*|\*)/)
      .map((part) => (part === '**' ? '.*' : part === '*' ? '[^.\\[]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    patterns.push([new RegExp(`^${source}$`), kind]);
  }
  const result = { exact, unmatched: new Set<string>(), patterns };
  compiled.set(fieldKinds, result);
  return result;
}

const indexSegment = /\[\d+\]/g;

/** `tags[3]` → `tags[]`: the form the map's patterns are written in. */
function generalise(path: string): string {
  return path.includes('[') ? path.replace(indexSegment, '[]') : path;
}

/** The kind for a path already in general form; matches (and misses) are remembered, bounded. */
function kindOfGeneral(general: string, { exact, patterns, unmatched }: CompiledKinds, defaultKind: FieldKind): FieldKind {
  const direct = exact.get(general);
  if (direct) return direct;
  if (unmatched.has(general)) return defaultKind;
  let found: FieldKind | undefined;
  for (const [pattern, kind] of patterns) if (pattern.test(general)) { found = kind; break; }
  // Remember the answer, so a route's fields are matched once, not per request.
  if (exact.size + unmatched.size < 4_096) {
    if (found) exact.set(general, found);
    else unmatched.add(general);
  }
  return found ?? defaultKind;
}

/** The kind for a concrete path (`tags[3]` is looked up as `tags[]`). */
export function kindOf(path: string, fieldKinds: FieldKindMap, defaultKind: FieldKind): FieldKind {
  return kindOfGeneral(generalise(path), compile(fieldKinds), defaultKind);
}

export interface FieldVisitor {
  onKey(field: string, rule: string): void;
  onString(field: string, value: string, kind: FieldKind): void;
}

/**
 * Visits every key and string; the caller has already bounded depth and sizes (limits.ts). The
 * general path (`tags[]`) is built beside the concrete one (`tags[3]`) rather than derived from
 * it at every string.
 */
export function walkFields(value: unknown, fieldKinds: FieldKindMap, defaultKind: FieldKind, visitor: FieldVisitor, path = ''): void {
  walk(value, compile(fieldKinds), defaultKind, visitor, path, generalise(path));
}

function walk(value: unknown, kinds: CompiledKinds, defaultKind: FieldKind, visitor: FieldVisitor, path: string, general: string): void {
  if (typeof value === 'string') {
    visitor.onString(path === '' ? '$' : path, value, kindOfGeneral(general, kinds, defaultKind));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const elementGeneral = `${general}[]`;
    for (let index = 0; index < value.length; index++) walk(value[index], kinds, defaultKind, visitor, childPath(path, index), elementGeneral);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const field = childPath(path, key);
    const child = record[key];
    if (isOperatorKey(key)) visitor.onKey(field, 'nosql.operator-key');
    else if (key === '__proto__') visitor.onKey(field, 'prototype.key');
    else if (isPollutingKey(key) && child !== null && typeof child === 'object' && (Object.hasOwn(child, 'prototype') || Object.hasOwn(child, '__proto__'))) visitor.onKey(field, 'prototype.key');
    // Only the child's own segment needs generalising: a quoted key may itself hold `[3]`.
    const childGeneral = path === general ? generalise(field) : general + generalise(field.slice(path.length));
    walk(child, kinds, defaultKind, visitor, field, childGeneral);
  }
}
