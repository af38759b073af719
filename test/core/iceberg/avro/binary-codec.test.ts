import { describe, expect, it } from 'vitest';
import { BinaryDecoder } from '../../../../core/iceberg/avro/binary-decoder.js';
import { BinaryEncoder } from '../../../../core/iceberg/avro/binary-encoder.js';
import { EndOfDataError } from '../../../../core/iceberg/avro/errors.js';

const encode = (fn: (e: BinaryEncoder) => void): number[] => {
  const e = new BinaryEncoder(1);
  fn(e);
  return [...e.toBytes()];
};

/** Zig-zag varint reference, straight from the Avro specification, in bigint arithmetic. */
function referenceLong(v: bigint): number[] {
  let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  const out: number[] = [];
  do {
    let b = Number(u & 0x7fn);
    u >>= 7n;
    if (u > 0n) b |= 0x80;
    out.push(b);
  } while (u > 0n);
  return out;
}

describe('Avro binary encoding', () => {
  it('matches the examples of the Avro specification', () => {
    const cases: [number, number[]][] = [
      [0, [0x00]],
      [-1, [0x01]],
      [1, [0x02]],
      [-2, [0x03]],
      [2, [0x04]],
      [-64, [0x7f]],
      [64, [0x80, 0x01]],
    ];
    for (const [v, bytes] of cases) {
      expect(encode((e) => e.writeLong(v))).toEqual(bytes);
      expect(encode((e) => e.writeInt(v))).toEqual(bytes);
      expect(new BinaryDecoder(Uint8Array.from(bytes)).readLong()).toBe(v);
      expect(new BinaryDecoder(Uint8Array.from(bytes)).readInt()).toBe(v);
    }
    expect(encode((e) => e.writeString('foo'))).toEqual([0x06, 0x66, 0x6f, 0x6f]);
  });

  it('writes and reads longs exactly across the 64-bit range, as number when safe and bigint beyond', () => {
    const values = [
      0n, 1n, -1n, 2n ** 31n, -(2n ** 31n) - 1n, 2n ** 52n - 1n, 2n ** 52n, -(2n ** 52n), 2n ** 53n - 1n, 2n ** 53n,
      2n ** 53n + 1n, -(2n ** 53n) + 1n, -(2n ** 53n) - 1n, 7505300640432048841n, 9158179788527662767n,
      2n ** 63n - 1n, -(2n ** 63n),
    ]; // prettier-ignore
    let seed = 0x2545f491n;
    for (let i = 0; i < 200; i++) {
      seed = BigInt.asUintN(64, seed * 6364136223846793005n + 1442695040888963407n); // Knuth's MMIX LCG
      values.push(BigInt.asIntN(64, seed) >> BigInt(i % 40));
    }
    for (const v of values) {
      const asInput = v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n && v % 2n === 0n ? Number(v) : v;
      const bytes = encode((e) => e.writeLong(asInput));
      expect(bytes, `${v}`).toEqual(referenceLong(v));
      const back = new BinaryDecoder(Uint8Array.from(bytes)).readLong();
      const safe = v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n;
      expect(back, `${v}`).toBe(safe ? Number(v) : v);
    }
  });

  it('writes and reads ints at their limits, and rejects varints that do not fit', () => {
    for (const v of [2147483647, -2147483648, 123456, -98765]) {
      expect(new BinaryDecoder(Uint8Array.from(encode((e) => e.writeInt(v)))).readInt()).toBe(v);
    }
    const tooBig = Uint8Array.from(encode((e) => e.writeLong(2 ** 33)));
    expect(() => new BinaryDecoder(tooBig).readInt()).toThrow(/does not fit 32 bits/);
    const endless = new Uint8Array(12).fill(0xff);
    expect(() => new BinaryDecoder(endless).readLong()).toThrow(/longer than 10 bytes/);
  });

  it('round-trips floats, doubles, bytes, strings and booleans', () => {
    const e = new BinaryEncoder(2);
    e.writeFloat(1.5);
    e.writeDouble(-0);
    e.writeDouble(Number.NaN);
    e.writeBytes(Uint8Array.of(1, 2, 255));
    e.writeString('snapshot ü 🦆');
    e.writeBoolean(true);
    const d = new BinaryDecoder(e.toBytes());
    expect(d.readFloat()).toBe(1.5);
    expect(Object.is(d.readDouble(), -0)).toBe(true);
    expect(d.readDouble()).toBeNaN();
    expect(d.readBytes()).toEqual(Uint8Array.of(1, 2, 255));
    expect(d.readString()).toBe('snapshot ü 🦆');
    expect(d.readBoolean()).toBe(true);
    expect(d.remaining).toBe(0);
  });

  it('throws EndOfDataError when the data ends early', () => {
    const bytes = Uint8Array.from(encode((e) => e.writeString('truncated')));
    expect(() => new BinaryDecoder(bytes.subarray(0, 4)).readString()).toThrow(EndOfDataError);
    expect(() => new BinaryDecoder(Uint8Array.of(0x80)).readLong()).toThrow(EndOfDataError);
    expect(() => new BinaryDecoder(Uint8Array.of(1, 2)).readDouble()).toThrow(/needed 8 more, 2 left/);
  });
});
