import type { RedisCacheStore } from './redis.js';

export interface InvalidationJournalOptions {
  /** Entries kept before giving up on precision and clearing the whole prefix; default 10 000. */
  limit?: number;
}

export interface InvalidationJournal {
  key(key: string): void;
  pattern(glob: string): void;
  tag(tag: string): void;
  isEmpty(): boolean;
  /** Applies the journalled invalidations to Redis; on failure they stay journalled. */
  replay(redis: RedisCacheStore): Promise<void>;
}

/**
 * What the fallback store must undo in Redis when it comes back: every key written or deleted in
 * memory during the outage, every pattern and tag deleted. Replayed as deletions only (deletion is
 * idempotent and always safe for a cache; replaying values is not, since another process may have
 * written a newer one). Past the limit it stops recording and the replay deletes the whole prefix:
 * cold, but never stale.
 */
export function createInvalidationJournal({ limit = 10_000 }: InvalidationJournalOptions = {}): InvalidationJournal {
  let keys = new Set<string>();
  let patterns = new Set<string>();
  let tags = new Set<string>();
  let overflowed = false;
  const size = (): number => keys.size + patterns.size + tags.size;
  const add = (set: Set<string>, entry: string): void => {
    if (overflowed) return;
    if (size() >= limit) {
      overflowed = true;
      keys.clear();
      patterns.clear();
      tags.clear();
      return;
    }
    set.add(entry);
  };
  return {
    key: (key) => add(keys, key),
    pattern: (glob) => add(patterns, glob),
    tag: (tag) => add(tags, tag),
    isEmpty: () => !overflowed && size() === 0,
    async replay(redis) {
      const taken = { keys, patterns, tags, overflowed };
      keys = new Set();
      patterns = new Set();
      tags = new Set();
      overflowed = false;
      try {
        if (taken.overflowed) {
          await redis.deleteByPattern('*');
          return;
        }
        const pending: Promise<unknown>[] = [...taken.keys].map((key) => redis.delete(key));
        for (const glob of taken.patterns) pending.push(redis.deleteByPattern(glob));
        for (const tag of taken.tags) pending.push(redis.deleteByTag(tag));
        await Promise.all(pending);
      } catch (error) {
        // Put back what was taken; later entries are already in the new sets.
        if (taken.overflowed) overflowed = true;
        for (const key of taken.keys) add(keys, key);
        for (const glob of taken.patterns) add(patterns, glob);
        for (const tag of taken.tags) add(tags, tag);
        throw error;
      }
    },
  };
}
