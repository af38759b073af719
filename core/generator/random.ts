// The generator's only source of randomness: pure-rand's xoroshiro128+ seeded from --seed, plus the few
// distributions the traffic model needs. Nothing in core/generator calls Math.random or crypto: the same seed and
// options give byte-identical output.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { Faker, base, en } from '@faker-js/faker';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class Random {
  readonly #rng: JumpableRandomGenerator;

  constructor(seed: number | JumpableRandomGenerator) {
    this.#rng = typeof seed === 'number' ? xoroshiro128plus(seed | 0) : seed;
  }

  /**
   * An independent stream: the child takes this stream's current state and this stream jumps 2^64 steps ahead, so
   * draws on the child never shift this stream (and two forks in a row are independent of each other).
   */
  fork(): Random {
    const child = this.#rng.clone();
    this.#rng.jump();
    return new Random(child);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.#rng);
  }

  /** 32 random bits as an unsigned integer. */
  uint32(): number {
    return this.#rng.next() >>> 0;
  }

  /** Uniform integer in [lo, hi] (inclusive); the range must be below 2^32. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.float() * xs.length)]!;
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** Log-uniform in [lo, hi): as likely to be between 1 and 10 minutes as between 10 and 100. */
  logUniform(lo: number, hi: number): number {
    return lo * Math.exp(this.float() * Math.log(hi / lo));
  }

  /** Geometric count >= 1 with the given mean (mean >= 1). */
  geometric(mean: number): number {
    if (mean <= 1) return 1;
    const p = 1 / mean;
    return 1 + Math.floor(Math.log(1 - this.float()) / Math.log(1 - p));
  }

  /** Standard normal (Box-Muller, one value per call). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** Poisson count with the given mean: Knuth's product method for small means, a normal approximation above 30. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }

  /** An index drawn with probability proportional to cumulative[i] - cumulative[i - 1] (cumulative ascending). */
  weightedIndex(cumulative: Float64Array | readonly number[]): number {
    const total = cumulative[cumulative.length - 1]!;
    const x = this.float() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** A random (version 4, RFC 9562) UUID in canonical 8-4-4-4-12 form, drawn from this stream. */
  uuid(): string {
    const a = this.#rng.next();
    const b = this.#rng.next();
    const c = this.#rng.next();
    const d = this.#rng.next();
    return (
      HEX[(a >>> 24) & 255]! +
      HEX[(a >>> 16) & 255]! +
      HEX[(a >>> 8) & 255]! +
      HEX[a & 255]! +
      '-' +
      HEX[(b >>> 24) & 255]! +
      HEX[(b >>> 16) & 255]! +
      '-' +
      HEX[((b >>> 8) & 0x0f) | 0x40]! +
      HEX[b & 255]! +
      '-' +
      HEX[((c >>> 24) & 0x3f) | 0x80]! +
      HEX[(c >>> 16) & 255]! +
      '-' +
      HEX[(c >>> 8) & 255]! +
      HEX[c & 255]! +
      HEX[(d >>> 24) & 255]! +
      HEX[(d >>> 16) & 255]! +
      HEX[(d >>> 8) & 255]! +
      HEX[d & 255]!
    );
  }

  /** `n` lowercase hex characters (n even). */
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i += 2) s += HEX[this.#rng.next() & 255]!;
    return s;
  }

  /** A faker instance (English) drawing from this stream, for names, addresses and product titles. */
  faker(): Faker {
    return new Faker({ locale: [en, base], randomizer: { next: () => this.float(), seed: () => {} } });
  }
}

/** Running sums of `weights`, the form Random.weightedIndex draws from. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) out[i] = acc += weights[i]!;
  return out;
}
