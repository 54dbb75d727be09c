import { AnvilError } from '../errors.js';

/**
 * Value serialisation shared by every backend, so memory and Redis behave alike (a value read back
 * is a copy, never the caller's object). Encodings, chosen by the first character:
 *   a finite number → its decimal text (so Redis INCRBY works on values written by `set`)
 *   `s` + text      → a string, stored as is (the commonest value costs no JSON work)
 *   `j` + JSON      → plain JSON (parsed without a reviver: the fast path)
 *   `t` + JSON      → JSON holding tagged values `{"$anvil": kind, "v": …}` for Date, Buffer,
 *                     bigint, and plain objects that themselves own a `$anvil` key
 * Anything else (functions, symbols, Map, Set, class instances, typed arrays other than Buffer,
 * NaN, ±Infinity, `undefined` at the top or inside an array) is rejected with
 * CACHE_VALUE_UNSUPPORTED naming the property. `undefined` object properties are omitted, as in JSON,
 * and -0 reads back as 0.
 */
const TAG = '$anvil';

export function encodeValue(value: unknown): string {
  if (typeof value === 'string') return `s${value}`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw unsupported('', `${value}`);
    return String(value);
  }
  if (value === undefined) throw unsupported('', 'undefined');
  // One walk validates and tags; it copies only the branches that hold a tagged value, so the
  // common plain value goes to JSON.stringify untouched (a replacer function costs ~3× more).
  const state = { tagged: false };
  const prepared = prepare(value, '', false, state);
  return (state.tagged ? 't' : 'j') + JSON.stringify(prepared);
}

function prepare(original: unknown, key: string, inArray: boolean, state: { tagged: boolean }): unknown {
  switch (typeof original) {
    case 'string':
    case 'boolean':
      return original;
    case 'number':
      if (!Number.isFinite(original)) throw unsupported(key, String(original));
      return original;
    case 'bigint':
      state.tagged = true;
      return { [TAG]: 'bigint', v: original.toString() };
    case 'undefined':
      if (inArray) throw unsupported(key, 'undefined inside an array');
      return undefined;
    case 'function':
    case 'symbol':
      throw unsupported(key, typeof original);
  }
  if (original === null) return null;
  if (Array.isArray(original)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < original.length; index += 1) {
      const item = original[index];
      const next = prepare(item, String(index), true, state);
      if (next !== item) (copy ??= original.slice())[index] = next;
    }
    return copy ?? original;
  }
  if (original instanceof Date) {
    state.tagged = true;
    return { [TAG]: 'date', v: Number.isNaN(original.getTime()) ? null : original.toISOString() };
  }
  if (Buffer.isBuffer(original)) {
    state.tagged = true;
    return { [TAG]: 'buffer', v: original.toString('base64') };
  }
  const prototype = Object.getPrototypeOf(original);
  if (prototype !== Object.prototype && prototype !== null) {
    throw unsupported(key, `an instance of ${(original as object).constructor?.name ?? 'a class'}`);
  }
  const record = original as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const property in record) {
    if (!Object.hasOwn(record, property)) continue;
    const item = record[property];
    const next = prepare(item, property, false, state);
    if (next !== item) assign((copy ??= { ...record }), property, next);
  }
  if (Object.hasOwn(record, TAG)) {
    state.tagged = true;
    return { [TAG]: 'object', v: Object.entries(copy ?? record) };
  }
  return copy ?? record;
}

export function decodeValue<T>(encoded: string): T {
  const kind = encoded.charCodeAt(0);
  if (kind === 115 /* s */) return encoded.slice(1) as T;
  if (kind === 106 /* j */) return JSON.parse(encoded.slice(1)) as T;
  if (kind === 116 /* t */) return restore(JSON.parse(encoded.slice(1))) as T;
  return Number(encoded) as T;
}

/** Replaces tagged objects in place (a manual walk: JSON.parse with a reviver is several times slower). */
function restore(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) value[index] = restore(value[index]);
    return value;
  }
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, TAG)) {
    const v = record.v;
    switch (record[TAG]) {
      case 'date':
        return new Date(v === null ? Number.NaN : (v as string));
      case 'buffer':
        return Buffer.from(v as string, 'base64');
      case 'bigint':
        return BigInt(v as string);
      case 'object':
        return Object.fromEntries((v as [string, unknown][]).map(([property, item]) => [property, restore(item)]));
    }
  }
  for (const property in record) {
    const item = record[property];
    const restored = restore(item);
    if (restored !== item) assign(record, property, restored);
  }
  return record;
}

/** Sets an own property, even one named `__proto__` (plain assignment would swap the prototype). */
function assign(target: Record<string, unknown>, property: string, value: unknown): void {
  if (property === '__proto__') Object.defineProperty(target, property, { value, enumerable: true, writable: true, configurable: true });
  else target[property] = value;
}

function unsupported(key: string, what: string): AnvilError {
  const where = key === '' ? 'the value' : `property "${key}"`;
  return new AnvilError('CACHE_VALUE_UNSUPPORTED', `cannot cache ${where}: ${what} does not survive serialisation`, { key, kind: what });
}
