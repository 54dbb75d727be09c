/* eslint-disable no-control-regex -- control characters are part of the hostile alphabet */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInspector } from './inspector.js';
import { fieldKinds } from './types.js';

const inspectors = [1, 2, 3].map((paranoia) => createInspector({ paranoia: paranoia as 1 | 2 | 3 }));
const hostile = fc.stringMatching(/^(?:%(?:25)*[0-9a-fA-F]{0,2}|&#?x?[0-9a-z]{0,6};?|\\u?[0-9a-f]{0,4}|[<>'"`;|&$(){}[\]/\\.=\-#*]|[\u0000-\u001f]|[\uD800-\uDFFF]|union|select|script|on\w+=|\.\.\/|\s){0,60}$/);
const anyString = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), hostile);

describe('inspector under random and malformed input', () => {
  it('never throws on any string in any kind at any paranoia, and returns a well-formed verdict', () => {
    fc.assert(
      fc.property(anyString, fc.constantFrom(...fieldKinds), fc.nat(2), (value, kind, level) => {
        const verdict = inspectors[level]!.inspectValue(value, kind);
        expect(typeof verdict.blocked).toBe('boolean');
        expect(verdict.blocked).toBe(verdict.rules.length > 0);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on arbitrary JSON bodies', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (body) => {
        const verdict = inspectors[1]!.inspectObject(body, { '**': 'query' });
        expect(Array.isArray(verdict.findings)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('stays fast on long adversarial values (bounded decoding, no catastrophic backtracking)', () => {
    const inspector = inspectors[2]!;
    const patterns = ['%25'.repeat(20_000), "'".repeat(50_000), '<a '.repeat(20_000), '&#'.repeat(30_000), '../'.repeat(30_000), `${'('.repeat(20_000)}select`, '\\u00'.repeat(20_000), ' or 1'.repeat(20_000), 'on'.repeat(40_000) + '='];
    for (const value of patterns) {
      for (const kind of fieldKinds) {
        const started = performance.now();
        inspector.inspectValue(value, kind);
        expect(performance.now() - started, `${kind}: ${value.slice(0, 12)}…`).toBeLessThan(250);
      }
    }
  });
});
