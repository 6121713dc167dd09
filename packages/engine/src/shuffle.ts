// A small seeded PRNG so the order the arbiter saw can be rebuilt from the seed kept in the result.
// Not for anything secret: mulberry32 is fast, tiny and good enough to shuffle a handful of answers.

/** A generator of floats in [0, 1) fully determined by `seed`. */
export const mulberry32 = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** Fisher–Yates over a copy; the same seed always gives the same order. */
export const seededShuffle = <A>(items: ReadonlyArray<A>, seed: number): Array<A> => {
  const random = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const held = out[i]!;
    out[i] = out[j]!;
    out[j] = held;
  }
  return out;
};

/**
 * The seed of one round's shuffle, derived from the run's seed so each round gets its own order
 * (a fixed order across rounds would let the arbiter learn which slot is which model).
 */
export const iterationSeed = (runSeed: number, iteration: number): number => {
  // splitmix32-style mixing of (seed, iteration)
  let z = (runSeed + Math.imul(iteration, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
};
