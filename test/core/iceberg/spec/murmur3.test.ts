import { describe, expect, it } from 'vitest';
import { murmur3Hash32, murmur3HashLong } from '../../../../core/iceberg/spec/murmur3.js';
import { bigintToMinBytes, uuidToBytes } from '../../../../core/iceberg/spec/values.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const longBytes = (v: bigint): Uint8Array => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, v, true);
  return out;
};

describe('murmur3Hash32 (format/spec.md Appendix B)', () => {
  it('matches the spec test values for every hashed type', () => {
    expect(murmur3HashLong(34)).toBe(2017239379); // int 34 (hashed as a long)
    expect(murmur3HashLong(34n)).toBe(2017239379); // long 34L
    expect(murmur3Hash32(bigintToMinBytes(1420n))).toBe(-500754589); // decimal 14.20
    expect(murmur3HashLong(17486)).toBe(-653330422); // date 2017-11-16
    expect(murmur3HashLong(((22 * 60 + 31) * 60 + 8) * 1_000_000)).toBe(-662762989); // time 22:31:08
    const ts = Date.UTC(2017, 10, 16, 22, 31, 8) * 1000;
    expect(murmur3HashLong(ts)).toBe(-2047944441); // timestamp / timestamptz
    expect(murmur3HashLong(ts + 1)).toBe(-1207196810);
    expect(murmur3Hash32(utf8('iceberg'))).toBe(1210000089); // string
    expect(murmur3Hash32(uuidToBytes('f79c3e09-677c-4bbd-a479-3f349cb785e7'))).toBe(1488055340); // uuid
    expect(murmur3Hash32(new Uint8Array([0, 1, 2, 3]))).toBe(-188683207); // fixed / binary
  });

  it('matches published MurmurHash3_x86_32 vectors for every tail length', () => {
    expect(murmur3Hash32(new Uint8Array())).toBe(0);
    expect(murmur3Hash32(utf8('test'))).toBe(0xba6bd213 | 0);
    expect(murmur3Hash32(utf8('hello'))).toBe(0x248bfa47);
    expect(murmur3Hash32(utf8('Hello, world!'))).toBe(0xc0363e43 | 0);
    expect(murmur3Hash32(utf8('The quick brown fox jumps over the lazy dog'))).toBe(0x2e4ff723);
  });

  it('hashLong equals hashing the 8 little-endian bytes, for numbers and bigints of any sign', () => {
    const samples = [
      0,
      1,
      -1,
      34,
      -34,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 32,
      2 ** 53 - 1,
      -(2 ** 53) + 1,
      1_700_000_000_000_000,
    ];
    for (const v of samples) {
      const expected = murmur3Hash32(longBytes(BigInt(v)));
      expect(murmur3HashLong(v), String(v)).toBe(expected);
      expect(murmur3HashLong(BigInt(v)), `${v}n`).toBe(expected);
    }
    for (const v of [2n ** 63n - 1n, -(2n ** 63n), 123456789012345678n]) {
      expect(murmur3HashLong(v)).toBe(murmur3Hash32(longBytes(v)));
    }
  });

  it('refuses a number that is not a safe integer', () => {
    expect(() => murmur3HashLong(1.5)).toThrow(/safe integer/);
    expect(() => murmur3HashLong(2 ** 60)).toThrow(/safe integer/);
  });
});
