import { AnvilError } from '../errors.js';

/** How long a cached result is good for, and what happens around its expiry. */
export interface CacheStrategy {
  /** Freshness, in seconds, before jitter. */
  ttlSeconds: number;
  /** Share of the TTL removed at random (0.1: each entry lives 90–100 % of it), so entries written together do not expire together. */
  jitterRatio: number;
  /** Stale-while-revalidate window after freshness ends: the stale value is served at once while one refresh runs; 0 disables it. */
  staleSeconds: number;
  /** How long a "not found" (loader returned undefined, or threw a 404 AnvilError) is remembered; 0 disables negative caching. */
  negativeTtlSeconds: number;
}

/**
 * Named profiles. short: data that moves (board counts, budgets shown to people); medium: expensive
 * reads that change a few times an hour (cost aggregates); long: results that change rarely
 * (workflow definitions by version, model lists); static: content-addressed data that never
 * changes for a key (LLM responses keyed by request hash), bounded only to reclaim space.
 */
export const cacheStrategies = {
  short: { ttlSeconds: 60, jitterRatio: 0.1, staleSeconds: 30, negativeTtlSeconds: 10 },
  medium: { ttlSeconds: 900, jitterRatio: 0.1, staleSeconds: 300, negativeTtlSeconds: 60 },
  long: { ttlSeconds: 21_600, jitterRatio: 0.1, staleSeconds: 3_600, negativeTtlSeconds: 300 },
  static: { ttlSeconds: 604_800, jitterRatio: 0.05, staleSeconds: 86_400, negativeTtlSeconds: 3_600 },
} as const satisfies Record<string, CacheStrategy>;

export type CacheStrategyName = keyof typeof cacheStrategies;

/** A named profile, optionally adjusted; `ttlSeconds` given separately wins over both. Default: medium. */
export function resolveStrategy(strategy: CacheStrategyName | Partial<CacheStrategy> = 'medium', ttlSeconds?: number): CacheStrategy {
  const base: CacheStrategy =
    typeof strategy === 'string' ? cacheStrategies[strategy] : { ...cacheStrategies.medium, ...strategy };
  if (!base) throw new AnvilError('VALIDATION_FAILED', `unknown cache strategy ${String(strategy)}`, { strategy });
  const resolved = ttlSeconds === undefined ? base : { ...base, ttlSeconds };
  if (!(resolved.ttlSeconds > 0) || resolved.jitterRatio < 0 || resolved.jitterRatio >= 1 || resolved.staleSeconds < 0 || resolved.negativeTtlSeconds < 0) {
    throw new AnvilError('VALIDATION_FAILED', 'invalid cache strategy', { ...resolved });
  }
  return resolved;
}

/** A TTL in [ttl × (1 − ratio), ttl]: jitter only shortens, so no entry outlives what was promised. */
export function jitterTtl(ttlSeconds: number, jitterRatio: number, random: () => number = Math.random): number {
  return ttlSeconds * (1 - jitterRatio * random());
}
