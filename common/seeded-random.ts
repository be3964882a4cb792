/**
 * A seeded pseudo-random sequence (mulberry32): small, fast, the same on every platform
 * for a seed. For generated workloads in benchmarks, the demo and tests, whose runs must
 * be repeatable; not for anything that needs unpredictability.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * const index = Math.floor(random() * 10); // 0..9, the same for seed 42 every time
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
