import { describe, expect, it } from 'vitest';
import { AnvilError } from '../../errors.js';
import { bundledPrices, costOf, createPriceTable, priceFor, priceTableVersion } from './table.js';

describe('the bundled price table', () => {
  it('is versioned with a date', () => {
    expect(priceTableVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('prices common OpenAI, Anthropic and simulated models with non-negative numbers', () => {
    for (const name of ['openai/gpt-4o', 'openai/gpt-4o-mini', 'openai/gpt-4.1', 'openai/gpt-4.1-mini', 'openai/o3-mini', 'anthropic/claude-3-5-haiku', 'anthropic/claude-3-5-sonnet', 'anthropic/claude-sonnet-4', 'anthropic/claude-opus-4', 'simulated/agent']) {
      const found = priceFor(name);
      expect(found, name).not.toBeNull();
      for (const value of [found!.input, found!.output, found!.cacheRead, found!.cacheWrite]) expect(value).toBeGreaterThanOrEqual(0);
      expect(found!.output).toBeGreaterThan(0);
    }
    expect(Object.keys(bundledPrices).length).toBeGreaterThanOrEqual(12);
  });

  it('matches a name exactly first', () => {
    expect(priceFor('openai/gpt-4o-mini')).toMatchObject({ matched: 'openai/gpt-4o-mini', input: 0.15, output: 0.6 });
  });

  it('matches a dated or -latest snapshot by its base name, never by a shorter prefix', () => {
    expect(priceFor('openai/gpt-4o-mini-2024-07-18')?.matched).toBe('openai/gpt-4o-mini');
    expect(priceFor('openai/gpt-4o-2024-08-06')?.matched).toBe('openai/gpt-4o');
    expect(priceFor('anthropic/claude-3-5-sonnet-20241022')?.matched).toBe('anthropic/claude-3-5-sonnet');
    expect(priceFor('anthropic/claude-3-5-haiku-latest')?.matched).toBe('anthropic/claude-3-5-haiku');
    expect(priceFor('anthropic/claude-sonnet-4-20250514')?.matched).toBe('anthropic/claude-sonnet-4');
    expect(priceFor('openai/gpt-4o-mini-experimental')).toBeNull();
  });

  it('prices any simulated model like a small model', () => {
    expect(priceFor('simulated/guardian')).toMatchObject({ matched: 'simulated/*', input: 0.15, output: 0.6 });
  });

  it('returns null for an unknown model or provider, never zero', () => {
    expect(priceFor('openai-compatible/llama3')).toBeNull();
    expect(priceFor('mystery/model')).toBeNull();
    expect(costOf('openai-compatible/llama3', { inputTokens: 1_000, outputTokens: 1_000 })).toBeNull();
  });
});

describe('costOf', () => {
  it('charges input and output per million tokens', () => {
    // gpt-4o: $2.50 in, $10 out per million.
    expect(costOf('openai/gpt-4o', { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBe(12.5);
    expect(costOf('openai/gpt-4o-mini', { inputTokens: 600, outputTokens: 120 })).toBeCloseTo(0.000162, 12);
  });

  it('charges cache reads and writes at their own prices, out of the input total', () => {
    // claude-3-5-sonnet: 3 in, 15 out, 0.30 cache read, 3.75 cache write.
    const cost = costOf('anthropic/claude-3-5-sonnet', { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 500_000, cacheWriteTokens: 200_000 });
    expect(cost).toBeCloseTo(300_000 * 3e-6 + 500_000 * 0.3e-6 + 200_000 * 3.75e-6, 9);
  });

  it('never charges a negative uncached input when cache counts exceed the total', () => {
    expect(costOf('openai/gpt-4o', { inputTokens: 10, outputTokens: 0, cacheReadTokens: 1_000_000 })).toBe(1.25);
  });

  it('charges the simulated models, so dollar caps are exercised offline', () => {
    expect(costOf('simulated/agent', { inputTokens: 600, outputTokens: 120 })).toBeGreaterThan(0);
  });
});

describe('createPriceTable with overrides', () => {
  it('changes one field of a known model and keeps the others', () => {
    const table = createPriceTable({ 'openai/gpt-4o': { output: 20 } });
    expect(table.priceFor('openai/gpt-4o')).toMatchObject({ input: 2.5, output: 20 });
    expect(table.priceFor('openai/gpt-4o-2024-08-06')?.output).toBe(20);
    expect(priceFor('openai/gpt-4o')?.output).toBe(10);
  });

  it('adds a new model whose cache prices default to its input price', () => {
    const table = createPriceTable({ 'openai-compatible/llama3': { input: 0, output: 0 } });
    expect(table.priceFor('openai-compatible/llama3')).toEqual({ matched: 'openai-compatible/llama3', input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
    expect(table.costOf('openai-compatible/llama3', { inputTokens: 5, outputTokens: 5 })).toBe(0);
    expect(table.version).toBe(priceTableVersion);
  });

  it('refuses a new model without input and output prices, and negative prices', () => {
    expect(() => createPriceTable({ 'mystery/model': { input: 1 } })).toThrow(AnvilError);
    expect(() => createPriceTable({ 'openai/gpt-4o': { input: -1 } })).toThrow(/non-negative/);
  });
});
