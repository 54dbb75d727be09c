import { describe, expect, it } from 'vitest';
import { dedupeKey } from './dedupe-key.js';

describe('dedupeKey', () => {
  it('treats case, punctuation, filler words and spacing as the same title', () => {
    expect(dedupeKey('Verify the Parser!')).toBe(dedupeKey('verify   parser'));
    expect(dedupeKey('Ｖｅｒｉｆｙ parser')).toBe('verify parser');
  });

  it('keeps titles that differ in substance apart', () => {
    expect(dedupeKey('verify the lexer')).not.toBe(dedupeKey('verify the parser'));
  });

  it('never returns an empty key for a title made only of filler or symbols', () => {
    expect(dedupeKey('the')).toBe('the');
    expect(dedupeKey('!!!')).toBe('!!!');
  });
});
