import type { CacheStore } from '../cache/index.js';
import type { EventBus } from '../orchestrator/event-bus.js';

/**
 * Removes cached HTTP responses when the data behind them changes. Every event written by any
 * process reaches every process through the event bus (the database's NOTIFY); a signal for a run
 * invalidates the tag `run:<id>` and the list-level tags (`runs`, `system`, `costs`).
 *
 * Each tag is throttled, not plainly debounced: the first signal deletes at once and opens a
 * window; signals inside the window are folded into one delete when it closes. A quiet run's
 * change is visible within the NOTIFY latency, a busy run costs one delete per tag per window, and
 * no change stays hidden longer than one window (a plain debounce could postpone it forever).
 *
 * The race a delete alone leaves open: a request that read the database before the change and
 * stores its response after the delete would bring the old data back. Requests are therefore
 * tracked while they compute; a delete marks those in flight with the tag as dirty, and a dirty
 * response is sent but not stored.
 */
export interface InFlightResponse {
  readonly tags: readonly string[];
  readonly startedAt: number;
  dirty: boolean;
  /** The invalidation (see `generation`) that first made it dirty. */
  dirtiedAt?: number;
}

export interface ResponseCacheInvalidator {
  /** Registers a response being computed; pass it to `finish` when it is sent. */
  begin(tags: readonly string[]): InFlightResponse;
  finish(response: InFlightResponse): void;
  /** Throttled invalidation (event signals). */
  signal(tags: readonly string[]): void;
  /** Immediate invalidation (a write made through this API: its caller reads its own write). */
  invalidateNow(tags: readonly string[]): Promise<void>;
  /** Counts invalidations: a request that waited from generation g saw no change made after it began if its data was dirtied after g. */
  generation(): number;
  close(): void;
}

export interface ResponseCacheInvalidatorOptions {
  store: CacheStore;
  /** When given, its signals drive invalidation. */
  bus?: EventBus;
  /** Throttle window per tag; default 250 ms. */
  windowMs?: number;
  /** Tags invalidated by a signal from any run; default `runs`, `system`, `costs`. */
  listTags?: readonly string[];
  onError?: (error: unknown) => void;
}

/** A request still computing after this long is forgotten (its connection is gone). */
const abandonedAfterMs = 60_000;

export const runTag = (runId: string): string => `run:${runId}`;

export function createResponseCacheInvalidator({
  store,
  bus,
  windowMs = 250,
  listTags = ['runs', 'system', 'costs'],
  onError = () => {},
}: ResponseCacheInvalidatorOptions): ResponseCacheInvalidator {
  const inFlight = new Set<InFlightResponse>();
  const windows = new Map<string, { pending: boolean; timer: NodeJS.Timeout }>();
  let generation = 0;

  const markDirty = (tag: string): void => {
    const now = Date.now();
    for (const response of inFlight) {
      if (now - response.startedAt > abandonedAfterMs) inFlight.delete(response);
      else if (response.tags.includes(tag)) {
        response.dirty = true;
        response.dirtiedAt ??= generation;
      }
    }
  };

  const deleteTag = (tag: string): Promise<void> => {
    generation += 1;
    markDirty(tag);
    return store.deleteByTag(tag).then(() => undefined, onError);
  };

  const openWindow = (tag: string): void => {
    const window = {
      pending: false,
      timer: setTimeout(function closeWindow() {
        if (!window.pending) {
          windows.delete(tag);
          return;
        }
        window.pending = false;
        void deleteTag(tag);
        window.timer = setTimeout(closeWindow, windowMs);
        window.timer.unref();
      }, windowMs),
    };
    window.timer.unref();
    windows.set(tag, window);
  };

  const signal = (tags: readonly string[]): void => {
    for (const tag of tags) {
      const window = windows.get(tag);
      if (window) {
        window.pending = true;
        continue;
      }
      void deleteTag(tag);
      openWindow(tag);
    }
  };

  const unsubscribe = bus?.subscribe(({ runId, resync }) => signal(resync ? [...listTags] : [runTag(runId), ...listTags]));

  return {
    begin(tags) {
      const response: InFlightResponse = { tags, startedAt: Date.now(), dirty: false };
      inFlight.add(response);
      return response;
    },
    finish(response) {
      inFlight.delete(response);
    },
    signal,
    async invalidateNow(tags) {
      await Promise.all(tags.map(deleteTag));
    },
    generation: () => generation,
    close() {
      unsubscribe?.();
      for (const window of windows.values()) clearTimeout(window.timer);
      windows.clear();
      inFlight.clear();
    },
  };
}
