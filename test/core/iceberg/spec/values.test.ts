import { describe, expect, it } from 'vitest';
import type { PrimitiveType } from '../../../../core/iceberg/spec/types.js';
import {
  compareStrings,
  compareValues,
  decimalToString,
  decimalToUnscaled,
  fromBinary,
  javaUuidCompare,
  toBinary,
  truncateLowerBound,
  truncateUpperBound,
} from '../../../../core/iceberg/spec/values.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('toBinary / fromBinary (Appendix D)', () => {
  it('writes the documented byte layouts', () => {
    expect(hex(toBinary('boolean', true))).toBe('01');
    expect(hex(toBinary('boolean', false))).toBe('00');
    expect(hex(toBinary('int', 34))).toBe('22000000');
    expect(hex(toBinary('int', -1))).toBe('ffffffff');
    expect(hex(toBinary('long', 34))).toBe('2200000000000000');
    expect(hex(toBinary('long', -2n))).toBe('feffffffffffffff');
    expect(hex(toBinary('float', 1))).toBe('0000803f');
    expect(hex(toBinary('float', -0))).toBe('00000080');
    expect(hex(toBinary('double', 1))).toBe('000000000000f03f');
    expect(hex(toBinary('date', 17486))).toBe('4e440000');
    expect(hex(toBinary('timestamptz', 1510871468000000))).toBe('00c3262d215e0500'); // 0x55e212d26c300, LE
    expect(hex(toBinary('string', 'iceberg'))).toBe('69636562657267');
    expect(hex(toBinary('string', 'é'))).toBe('c3a9');
    expect(hex(toBinary('uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7'))).toBe('f79c3e09677c4bbda4793f349cb785e7');
    expect(hex(toBinary('binary', new Uint8Array([0, 1, 255])))).toBe('0001ff');
    expect(hex(toBinary('fixed[3]', new Uint8Array([9, 8, 7])))).toBe('090807');
  });

  it('writes decimals as minimal two’s-complement big-endian unscaled values', () => {
    expect(hex(toBinary('decimal(9,2)', '14.20'))).toBe('058c');
    expect(hex(toBinary('decimal(9,2)', 1420n))).toBe('058c');
    expect(hex(toBinary('decimal(9,2)', '0.00'))).toBe('00');
    expect(hex(toBinary('decimal(9,2)', '1.27'))).toBe('7f');
    expect(hex(toBinary('decimal(9,2)', '1.28'))).toBe('0080');
    expect(hex(toBinary('decimal(9,2)', '-1.28'))).toBe('80');
    expect(hex(toBinary('decimal(9,2)', '-1.29'))).toBe('ff7f');
    expect(hex(toBinary('decimal(9, 2)', '-0.01'))).toBe('ff');
    expect(hex(toBinary('decimal(38,0)', 10n ** 37n))).toBe('0785ee10d5da46d900f436a000000000');
  });

  it('round-trips every primitive type', () => {
    const cases: [PrimitiveType, unknown][] = [
      ['boolean', true],
      ['int', -2147483648],
      ['long', 9007199254740991],
      ['long', -(2n ** 63n)],
      ['float', 1.5],
      ['double', -0.1],
      ['date', -1],
      ['time', 81068000000],
      ['timestamp', 1510871468000001],
      ['timestamptz', -1],
      ['timestamp_ns', 1510871468000000001n],
      ['timestamptz_ns', -5n],
      ['string', 'a😀b'],
      ['uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7'],
      ['fixed[2]', new Uint8Array([1, 2])],
      ['binary', new Uint8Array([])],
      ['decimal(12,2)', '-12345.67'],
      ['decimal(38,10)', '1234567890123456789012345678.0123456789'],
    ];
    for (const [type, value] of cases) expect(fromBinary(type, toBinary(type, value)), type).toEqual(value);
    expect(fromBinary('decimal(9,2)', toBinary('decimal(9,2)', 5n))).toBe('0.05');
    expect(fromBinary('uuid', toBinary('uuid', 'F79C3E09-677C-4BBD-A479-3F349CB785E7'))).toBe(
      'f79c3e09-677c-4bbd-a479-3f349cb785e7',
    );
  });

  it('rejects values that do not fit the type, naming the cause', () => {
    expect(() => toBinary('int', 2 ** 31)).toThrow(/32-bit integer/);
    expect(() => toBinary('long', 1.5)).toThrow(/safe integer or bigint/);
    expect(() => toBinary('long', 2n ** 63n)).toThrow(/64-bit/);
    expect(() => toBinary('decimal(4,2)', '100.00')).toThrow(/does not fit decimal\(4,2\)/);
    expect(() => toBinary('decimal(9,2)', '1.234')).toThrow(/more than 2 fractional digits/);
    expect(() => toBinary('decimal(9,2)', 'abc')).toThrow(/invalid decimal/);
    expect(() => toBinary('uuid', 'not-a-uuid')).toThrow(/invalid uuid/);
    expect(() => toBinary('fixed[4]', new Uint8Array(3))).toThrow(/Uint8Array\(4\)/);
    expect(() => fromBinary('long', new Uint8Array(4))).toThrow(/needs 8 bytes/);
  });
});

describe('decimals', () => {
  it('parses plain notation, pads and strips trailing zeros to the scale', () => {
    expect(decimalToUnscaled('12.3', 10, 2)).toBe(1230n);
    expect(decimalToUnscaled('12.300', 10, 2)).toBe(1230n);
    expect(decimalToUnscaled('-.5', 10, 2)).toBe(-50n);
    expect(decimalToUnscaled('7', 10, 2)).toBe(700n);
    expect(decimalToUnscaled(12.3, 10, 2)).toBe(1230n);
    expect(decimalToString(-5n, 1)).toBe('-0.5');
    expect(decimalToString(1230n, 2)).toBe('12.30');
    expect(decimalToString(42n, 0)).toBe('42');
  });
});

describe('ordering', () => {
  it('orders strings by code point, not UTF-16 code unit', () => {
    expect('\uffff' < '😀').toBe(false); // JS order puts the surrogate pair first
    expect(compareStrings('\uffff', '😀')).toBeLessThan(0);
    expect(compareStrings('abc', 'abd')).toBeLessThan(0);
    expect(compareStrings('ab', 'abc')).toBeLessThan(0);
    expect(compareStrings('b', 'abc')).toBeGreaterThan(0);
  });

  it('orders -0.0 before +0.0 and decimals numerically', () => {
    expect(compareValues('double', -0, 0)).toBeLessThan(0);
    expect(compareValues('double', 0, -0)).toBeGreaterThan(0);
    expect(compareValues('decimal(9,2)', '9.99', '10.00')).toBeLessThan(0);
    expect(compareValues('decimal(9,2)', 1000n, '10.00')).toBe(0);
    expect(compareValues('long', 2n ** 60n, 5)).toBeGreaterThan(0);
  });

  it('reproduces java.util.UUID signed ordering', () => {
    const lo = '00000000-0000-0000-0000-000000000000';
    const hi = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
    expect(compareValues('uuid', lo, hi)).toBeLessThan(0);
    expect(javaUuidCompare(lo, hi)).toBeGreaterThan(0); // -1L < 0L in Java
    expect(
      javaUuidCompare('00000000-0000-0000-8000-000000000000', '00000000-0000-0000-7000-000000000000'),
    ).toBeLessThan(0);
    expect(
      javaUuidCompare('10000000-0000-0000-0000-000000000000', '20000000-0000-0000-0000-000000000000'),
    ).toBeLessThan(0);
  });
});

describe('bound truncation (truncate(16))', () => {
  it('keeps short values and cuts strings at 16 code points', () => {
    expect(truncateLowerBound('string', 'short')).toBe('short');
    expect(truncateUpperBound('string', 'short')).toBe('short');
    expect(truncateLowerBound('string', 'abcdefghijklmnopqrstuvwxyz')).toBe('abcdefghijklmnop');
    expect(truncateUpperBound('string', 'abcdefghijklmnopqrstuvwxyz')).toBe('abcdefghijklmnoq');
    // 16 emoji are 32 UTF-16 units but 16 code points: not truncated
    const emoji = '😀'.repeat(16);
    expect(truncateUpperBound('string', emoji)).toBe(emoji);
    expect(truncateLowerBound('string', '😀'.repeat(20))).toBe(emoji);
    expect(truncateUpperBound('string', '😀'.repeat(20))).toBe('😀'.repeat(15) + '😁');
    expect(truncateLowerBound('string', 'abc', 2)).toBe('ab');
  });

  it('increments past the surrogate range and skips code points that cannot grow', () => {
    expect(truncateUpperBound('string', 'a\ud7ffzz', 2)).toBe('a\ue000');
    expect(truncateUpperBound('string', 'a\u{10ffff}zz', 2)).toBe('b');
    expect(truncateUpperBound('string', '\u{10ffff}\u{10ffff}zz', 2)).toBeNull();
  });

  it('truncates binary to 16 bytes, incrementing the last byte below 0xff for the upper bound', () => {
    const long = Uint8Array.from({ length: 20 }, (_, i) => i);
    expect(truncateLowerBound('binary', long)).toEqual(long.slice(0, 16));
    const up = truncateUpperBound('binary', long) as Uint8Array;
    expect(Array.from(up)).toEqual([...Array.from(long.slice(0, 15)), 16]);
    const ff = new Uint8Array([1, 0xff, 0xff, 7]);
    expect(Array.from(truncateUpperBound('binary', ff, 3) as Uint8Array)).toEqual([2]);
    expect(truncateUpperBound('binary', new Uint8Array([0xff, 0xff, 0xff]), 2)).toBeNull();
  });

  it('leaves other types, including fixed, untouched', () => {
    const f = new Uint8Array(20);
    expect(truncateUpperBound('fixed[20]', f)).toBe(f);
    expect(truncateLowerBound('long', 5)).toBe(5);
    expect(truncateUpperBound('string', null)).toBeNull();
  });
});
