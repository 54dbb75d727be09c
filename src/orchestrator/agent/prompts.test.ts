import { describe, expect, it } from 'vitest';
import type { MemoryRow } from '../../store/memories.js';
import { estimateTokens, memoriesWithinBudget } from './prompts.js';

const memory = (id: string, characters: number): MemoryRow => ({ id, run_id: 'run', task_id: null, kind: 'learning', text: 'x'.repeat(characters), tags: [], created_at: new Date(0) });

describe('memories injected into the prompt', () => {
  it('keeps the best-ranked memories that fit the token budget, in rank order', () => {
    // Costs: text / 4 + 8 per line → 58, 33, 258, 18 tokens.
    const ranked = [memory('best', 200), memory('second', 100), memory('too-long', 1_000), memory('short', 40)];
    const chosen = memoriesWithinBudget(ranked, 120);
    expect(chosen.map((m) => m.id)).toEqual(['best', 'second', 'short']);
    expect(chosen.reduce((sum, m) => sum + estimateTokens(m.text) + 8, 0)).toBeLessThanOrEqual(120);
  });

  it('injects nothing with a budget of zero', () => {
    expect(memoriesWithinBudget([memory('any', 4)], 0)).toEqual([]);
  });
});
