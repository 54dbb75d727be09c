import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { yamlNestingDepth } from './yaml-depth.js';

describe('YAML nesting depth', () => {
  it('counts flow brackets outside quotes', () => {
    expect(yamlNestingDepth('{"a":'.repeat(100) + '1' + '}'.repeat(100))).toBeGreaterThanOrEqual(100);
    expect(yamlNestingDepth('[[[1]]]')).toBe(3);
    expect(yamlNestingDepth('title: "[[[[[[[[[["')).toBe(1);
  });

  it('counts block indentation levels and sequence entries', () => {
    const deep = Array.from({ length: 60 }, (_, level) => `${' '.repeat(level)}k${level}:`).join('\n');
    expect(yamlNestingDepth(deep)).toBe(60);
    expect(yamlNestingDepth('a:\n  - - - x')).toBeGreaterThanOrEqual(4);
  });

  it('finds the example workflows shallow', async () => {
    expect(yamlNestingDepth(await readFile('examples/quickstart.yaml', 'utf8'))).toBeLessThan(8);
  });
});
