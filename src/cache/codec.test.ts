import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from './codec.js';

describe('value codec', () => {
  it('stores strings and numbers without JSON, so Redis INCRBY works on numbers', () => {
    expect(encodeValue('hello')).toBe('shello');
    expect(encodeValue(42)).toBe('42');
    expect(encodeValue({ a: 1 })).toBe('j{"a":1}');
    expect(encodeValue({ at: new Date(0) }).startsWith('t')).toBe(true);
  });

  it('round-trips any JSON-like value with dates, buffers and bigints inside', () => {
    const leaf = fc.oneof(
      fc.string(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Object.is(value, -0)),
      fc.boolean(),
      fc.constant(null),
      fc.bigInt(),
      fc.date({ noInvalidDate: true }),
      fc.uint8Array().map((bytes) => Buffer.from(bytes)),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node')), fc.dictionary(fc.string(), tie('node'))),
    })).node;
    fc.assert(
      fc.property(value, (input) => {
        expect(decodeValue(encodeValue(input))).toEqual(input);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps an own __proto__ property as data, never as the prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "at": {"nested": 1}}') as Record<string, unknown>;
    input.when = new Date(0);
    const output = decodeValue<Record<string, unknown>>(encodeValue(input));
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(Object.hasOwn(output, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the offending property in the rejection', () => {
    expect(() => encodeValue({ ok: 1, handler: () => 1 })).toThrow(/property "handler": function/);
    expect(() => encodeValue(new Map())).toThrow(/instance of Map/);
  });
});
