/**
 * Prototype pollution. A merge of untrusted input that follows `__proto__` or
 * `constructor.prototype` writes onto `Object.prototype` and so onto every object in the process.
 * In a JSON body the signal is such a key at any depth; in a query string it is the bracket or
 * dotted path (`__proto__[admin]=1`, `constructor.prototype.x=1`) that qs-style parsers expand.
 */
import type { Detector } from './types.js';
import type { ValueViews } from './normalise.js';

/** True for an object key whose assignment reaches a prototype. */
export function isPollutingKey(key: string): boolean {
  return key === '__proto__' || key === 'prototype' || key === 'constructor' || key === '__defineGetter__' || key === '__defineSetter__' || key === '__lookupGetter__';
}

const protoReference = /__proto__|\b(?:constructor|prototype)\s*(?:\[\s*["']?\s*prototype|\.\s*prototype|["']?\s*\]?\s*\[\s*["']?__proto__)|["']prototype["']\s*:\s*\{|["']constructor["']\s*:\s*\{\s*["']prototype/i;

export const detectPrototypePollution: Detector = (views: ValueViews, { paranoia }) => {
  const text = views.decoded;
  if (!/proto|constructor/i.test(text)) return undefined;
  if (protoReference.test(text)) return 'prototype.path';
  if (paranoia >= 3 && /\bconstructor\s*[.[]/i.test(text)) return 'prototype.constructor';
  return undefined;
};
