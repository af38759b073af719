// The generator's only source of randomness: pure-rand's xoroshiro128+ seeded from --seed, plus the few
// distributions the traffic model needs. Nothing in core/generator calls Math.random or crypto: the same seed and
// options give byte-identical output.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { Faker, base, en } from '@faker-js/faker';

const HEX_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

type Latin1Slice = (this: Buffer, start: number, end: number) => string;
// Node's Buffer#latin1Slice is what buf.toString('latin1', start, end) ends in, minus the argument checks and the
// encoding switch: a measurable share of the generator's time, since every event draws an id this way.
const LATIN1_SLICE = (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice;

/** The 8 hex digits of a 32-bit word at b[p..p+8). */
function hex8(b: Uint8Array, p: number, x: number): void {
  hex4(b, p, x >>> 16);
  hex4(b, p + 4, x);
}

/** The 4 hex digits of the low 16 bits of x at b[p..p+4). */
function hex4(b: Uint8Array, p: number, x: number): void {
  b[p] = HEX_CODES[(x >>> 12) & 15]!;
  b[p + 1] = HEX_CODES[(x >>> 8) & 15]!;
  b[p + 2] = HEX_CODES[(x >>> 4) & 15]!;
  b[p + 3] = HEX_CODES[x & 15]!;
}

/** The bytes b[start, end) as a flat one-byte string (ASCII/Latin-1). */
export function latin1(b: Buffer, start: number, end: number): string {
  return LATIN1_SLICE === undefined ? b.toString('latin1', start, end) : LATIN1_SLICE.call(b, start, end);
}

export class Random {
  readonly #rng: JumpableRandomGenerator;
  readonly #bytes = Buffer.alloc(64);

  constructor(seed: number | JumpableRandomGenerator) {
    if (typeof seed === 'number') {
      this.#rng = xoroshiro128plus(seed | 0);
      // A fresh xoroshiro state built from a small seed is mostly zero bits: let it mix before use.
      for (let i = 0; i < 64; i++) this.#rng.next();
    } else {
      this.#rng = seed;
    }
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
    this.uuidInto(this.#bytes, 0);
    // One flat string straight from the bytes (a concatenation would be a tree every event walks again).
    return latin1(this.#bytes, 0, 36);
  }

  /** Writes the 36 ASCII bytes of the next uuid() into `b` at `pos` (the same draws as uuid()). */
  uuidInto(b: Uint8Array, pos: number): void {
    const rng = this.#rng;
    hex8(b, pos, rng.next());
    b[pos + 8] = 0x2d;
    const x1 = (rng.next() & ~0xf000) | 0x4000; // version 4
    hex4(b, pos + 9, x1 >>> 16);
    b[pos + 13] = 0x2d;
    hex4(b, pos + 14, x1);
    b[pos + 18] = 0x2d;
    const x2 = (rng.next() & ~0xc0000000) | 0x80000000; // variant 10
    hex4(b, pos + 19, x2 >>> 16);
    b[pos + 23] = 0x2d;
    hex4(b, pos + 24, x2);
    hex8(b, pos + 28, rng.next());
  }

  /** `n` lowercase hex characters. */
  hex(n: number): string {
    const b = this.#bytes;
    for (let p = 0; p < n; p += 8) {
      const x = this.#rng.next();
      for (let k = 0; k < 8 && p + k < n; k++) b[p + k] = HEX_CODES[(x >>> (28 - 4 * k)) & 15]!;
    }
    return latin1(b, 0, n);
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
