// 32-bit Murmur3 hash, x86 variant, seed 0: the hash of format/spec.md Appendix B that bucket[N] uses.
// Results are signed 32-bit integers, as the spec's test values (and Java's Guava implementation) print them.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK1(k1: number): number {
  k1 = Math.imul(k1, C1);
  k1 = (k1 << 15) | (k1 >>> 17);
  return Math.imul(k1, C2);
}

function mixH1(h1: number, k1: number): number {
  h1 ^= k1;
  h1 = (h1 << 13) | (h1 >>> 19);
  return (Math.imul(h1, 5) + 0xe6546b64) | 0;
}

function fmix(h1: number, length: number): number {
  h1 ^= length;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return h1 | 0;
}

/** Murmur3 x86 32-bit hash of `bytes`, seed 0, as a signed 32-bit integer. */
export function murmur3Hash32(bytes: Uint8Array): number {
  const len = bytes.length;
  const blocks = len & ~3;
  let h1 = 0;
  for (let i = 0; i < blocks; i += 4) {
    const k1 = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h1 = mixH1(h1, mixK1(k1));
  }
  const tail = len & 3;
  if (tail > 0) {
    let k1 = bytes[blocks]!;
    if (tail > 1) k1 ^= bytes[blocks + 1]! << 8;
    if (tail > 2) k1 ^= bytes[blocks + 2]! << 16;
    h1 ^= mixK1(k1);
  }
  return fmix(h1, len);
}

/**
 * Hash of a 64-bit integer as its 8 little-endian bytes (the spec's `hashLong`), without allocating.
 * `int`, `date`, `time` and the timestamp types all hash through this (Appendix B note 1).
 */
export function murmur3HashLong(value: number | bigint): number {
  let lo: number;
  let hi: number;
  if (typeof value === 'bigint') {
    lo = Number(BigInt.asIntN(32, value));
    hi = Number(BigInt.asIntN(32, value >> 32n));
  } else {
    if (!Number.isSafeInteger(value)) throw new RangeError(`murmur3HashLong: ${value} is not a safe integer`);
    lo = value | 0; // ToInt32 is exact modulo 2^32 for any integer-valued double
    hi = Math.floor(value / 4294967296) | 0;
  }
  let h1 = mixH1(0, mixK1(lo));
  h1 = mixH1(h1, mixK1(hi));
  return fmix(h1, 8);
}
