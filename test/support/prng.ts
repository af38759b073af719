// A small deterministic PRNG (mulberry32) for tests: the same seed gives the same sequence on every run, so a
// failing fuzz or crash schedule reproduces. Not for anything but tests.

/** Uniform numbers in [0, 1) from a 32-bit seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
