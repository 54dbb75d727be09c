import { describe, expect, it } from 'vitest';
import { escapeGlob, globToRegExp } from './glob.js';

describe('Redis glob to RegExp', () => {
  const cases: [string, string, boolean][] = [
    ['user:*', 'user:1:profile', true],
    ['user:?', 'user:12', false],
    ['h[ae]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-c]llo', 'hbllo', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['run.1', 'runx1', false],
    ['multi*', 'multi\nline', true],
  ];
  it.each(cases)('%s against %s is %s', (glob, key, matches) => {
    expect(globToRegExp(glob).test(key)).toBe(matches);
  });

  it('escapes a literal so that it matches only itself', () => {
    expect(globToRegExp(escapeGlob('a*[b]?\\')).test('a*[b]?\\')).toBe(true);
    expect(globToRegExp(escapeGlob('a*')).test('abc')).toBe(false);
  });
});
