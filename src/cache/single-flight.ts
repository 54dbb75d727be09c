/**
 * In-process single-flight: concurrent calls for one key share the first call's promise, so a
 * thousand simultaneous misses run the loader once. The entry is dropped when the work settles,
 * so a failure is not remembered.
 */
export interface SingleFlight {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
  readonly size: number;
}

export function createSingleFlight(): SingleFlight {
  const inFlight = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, work: () => Promise<T>): Promise<T> {
      const existing = inFlight.get(key);
      if (existing) return existing as Promise<T>;
      const promise = (async () => {
        try {
          return await work();
        } finally {
          inFlight.delete(key);
        }
      })();
      inFlight.set(key, promise);
      return promise;
    },
    get size() {
      return inFlight.size;
    },
  };
}

/** A delay in [base/2, base], so waiters started together do not poll in lockstep. */
export function jitteredDelay(baseMs: number, random: () => number = Math.random): number {
  return baseMs / 2 + random() * (baseMs / 2);
}

export const sleep = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));
