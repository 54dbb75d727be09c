/**
 * Seeded randomness for the simulated model. Every choice it makes must be a pure function of
 * its inputs (seed, task id, attempt, title, step), so runs replay exactly and tests can name
 * outcomes; Math.random is never used.
 */

/** 32-bit FNV-1a over the parts joined with a separator that cannot occur in numbers. */
export function hashParts(...parts: ReadonlyArray<string | number>): number {
  let hash = 0x811c9dc5;
  const text = parts.join('\u241f');
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Eight lowercase hex digits of hashParts, for labels and ids. */
export function hashHex(...parts: ReadonlyArray<string | number>): string {
  return hashParts(...parts).toString(16).padStart(8, '0');
}

export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, size). */
  integer(size: number): number;
  /** An index drawn with the given relative weights. */
  weighted(weights: readonly number[]): number;
}

/** mulberry32: tiny, fast and good enough for simulation (not for anything secret). */
export function createSeededRandom(...parts: ReadonlyArray<string | number>): SeededRandom {
  let state = hashParts(...parts);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    integer: (size) => Math.floor(next() * size),
    weighted: (weights) => {
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      let point = next() * total;
      for (let index = 0; index < weights.length; index += 1) {
        point -= weights[index]!;
        if (point < 0) return index;
      }
      return weights.length - 1;
    },
  };
}
