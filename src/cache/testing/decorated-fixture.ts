/**
 * Run as its own process (`node --import tsx`) by cached.test.ts: the test runner's transformer
 * does not lower standard decorators, while tsc (the build) and tsx (dev, benchmarks) do. Prints
 * what the decorated method returned and how often it ran, as JSON.
 */
import { cached } from '../cached.js';
import { MemoryCacheStore } from '../memory.js';
import type { CacheStore } from '../store.js';

class Costs {
  loads = 0;
  constructor(readonly cache: CacheStore) {}

  @cached({ store: (self: Costs) => self.cache, strategy: 'short' })
  async summary(runId: string): Promise<{ runId: string; loads: number }> {
    this.loads += 1;
    return { runId, loads: this.loads };
  }
}

const costs = new Costs(new MemoryCacheStore());
const results = [await costs.summary('r1'), await costs.summary('r1'), await costs.summary('r2')];
const stored = await costs.cache.get('summary:["r1"]');
process.stdout.write(JSON.stringify({ results, loads: costs.loads, stored }));
