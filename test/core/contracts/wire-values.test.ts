import { describe, expect, it } from 'vitest';
import { normalizeDecimal, parseDate, parseTimestamptz } from '../../../core/contracts/index.js';
import { decimalProblemText, decimalSign, decimalValue, plainDecimal } from '../../../core/contracts/wire-values.js';

describe('parseTimestamptz', () => {
  it('agrees with Date.parse on 5,000 instants from 1900 to 2199, at micro precision', () => {
    let seed = 1;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const lo = Date.UTC(1900, 0, 1);
    const hi = Date.UTC(2199, 11, 31);
    for (let i = 0; i < 5000; i++) {
      const ms = Math.floor(lo + rand() * (hi - lo));
      const iso = new Date(ms).toISOString(); // ...sss Z
      expect(parseTimestamptz(iso), iso).toBe(ms * 1000);
      expect(parseTimestamptz(iso.replace('Z', '123Z'))).toBe(ms * 1000 + 123);
    }
  });

  it('applies offsets and fraction lengths', () => {
    const base = Date.UTC(2025, 2, 15, 11, 59, 58) * 1000;
    expect(parseTimestamptz('2025-03-15T07:59:58-04:00')).toBe(base);
    expect(parseTimestamptz('2025-03-15T17:29:58+05:30')).toBe(base);
    expect(parseTimestamptz('2025-03-15T11:59:58.1Z')).toBe(base + 100_000);
    expect(parseTimestamptz('2025-03-15T11:59:58.123456789Z')).toBe(base + 123_456);
    expect(parseTimestamptz('1969-12-31T23:59:59.999999Z')).toBe(-1);
  });

  it.each([
    '2025-03-15',
    '2025-03-15T11:59:58',
    '2025-03-15 11:59:58Z',
    '2025-3-15T11:59:58Z',
    '2025-03-15T24:00:00Z',
    '2025-03-15T11:60:00Z',
    '2025-03-15T11:59:60Z',
    '2025-03-15T11:59:58z',
    '2025-03-15T11:59:58.Z',
    '2025-03-15T11:59:58.1234567890Z',
    '2025-03-15T11:59:58+24:00',
    '2025-03-15T11:59:58+0400',
    '2025-03-15T11:59:58Zjunk',
    '2023-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '２０２５-03-15T11:59:58Z',
  ])('rejects %s', (s) => {
    expect(parseTimestamptz(s)).toBeNaN();
  });
});

describe('parseDate', () => {
  it('days since epoch for calendar dates, NaN otherwise', () => {
    expect(parseDate('1970-01-01')).toBe(0);
    expect(parseDate('2000-02-29')).toBe(Date.UTC(2000, 1, 29) / 86_400_000);
    expect(parseDate('1969-12-31')).toBe(-1);
    for (const s of [
      '2024-02-30',
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-1-01',
      '20240101',
      '2024-01-01T00:00:00Z',
    ]) {
      expect(parseDate(s), s).toBeNaN();
    }
  });
});

describe('decimals', () => {
  it.each([
    ['12.30', 10, 2, 12.3, '12.30'],
    ['12.3', 10, 2, 12.3, '12.30'],
    ['0012.300', 10, 2, 12.3, '12.30'],
    ['-0.00', 10, 2, -0, '0.00'],
    ['-7', 10, 2, -7, '-7.00'],
    [20, 10, 2, 20, '20.00'],
    [0.5, 10, 2, 0.5, '0.50'],
    ['9999999999.99', 10, 2, 9999999999.99, '9999999999.99'],
    ['5', 1, 0, 5, '5'],
    ['5.000', 1, 0, 5, '5'],
  ] as const)('%s fits decimal with %i integer digits, scale %i', (v, intDigits, scale, value, text) => {
    expect(decimalValue(v, intDigits, scale)).toBe(value);
    expect(normalizeDecimal(v, scale)).toBe(text);
  });

  it.each([
    ['12.345', 2],
    ['12345678901', 2],
    ['1e3', 2],
    ['+1.00', 2],
    ['.5', 2],
    ['5.', 2],
    ['', 2],
    ['-', 2],
    ['1 ', 2],
    ['1,00', 2],
    [0.1 + 0.2, 2],
    [1e21, 2],
    [Number.NaN, 2],
    [Number.POSITIVE_INFINITY, 2],
  ] as const)('%s does not fit decimal(12,%i)', (v, scale) => {
    expect(decimalValue(v, 10, scale)).toBeNaN();
  });
});

/** Every string made of one piece from each list, in order (the cartesian product, concatenated). */
function joins(...lists: string[][]): string[] {
  return lists.reduce<string[]>((acc, list) => acc.flatMap((a) => list.map((b) => a + b)), ['']);
}

describe('decimalSign (the validator fast path)', () => {
  it('agrees with decimalValue on every combination of sign, digits, dot, fraction and suffix', () => {
    const signs = ['', '-', '+'];
    const ints = ['', '0', '00', '1', '0001', '1234567890', '12345678901', '0000000000012', '9'.repeat(30)];
    const dots = ['', '.'];
    const fracs = ['', '0', '5', '50', '05', '500', '123', '1'.repeat(17), '1'.repeat(18), `${'0'.repeat(18)}1`];
    const suffixes = ['', 'x', ' ', 'e5', '.1'];
    let n = 0;
    for (const [intDigits, scale] of [
      [10, 2],
      [1, 0],
      [30, 20],
      [0, 3],
    ] as const) {
      for (const v of joins(signs, ints, dots, fracs, suffixes)) {
        const m = decimalValue(v, intDigits, scale);
        const why = decimalProblemText();
        const sign = decimalSign(v, intDigits, scale);
        expect(sign, `${v} decimal(${intDigits + scale},${scale})`).toBe(m !== m ? 0 : m < 0 ? -1 : 1);
        if (sign === 0) expect(decimalProblemText(), v).toBe(why);
        n++;
      }
    }
    expect(n).toBe(4 * 3 * 9 * 2 * 10 * 5);
  });

  it.each([0, -0, 1.5, -1.5, 0.1 + 0.2, -0.01, 1e21, -1e-7, Number.NaN, Number.POSITIVE_INFINITY, 12345678901])(
    'agrees with decimalValue on the number %s',
    (v) => {
      const m = decimalValue(v, 10, 2);
      expect(decimalSign(v, 10, 2)).toBe(m !== m ? 0 : m < 0 ? -1 : 1);
    },
  );

  it('answers -1 only for a value below zero, and reads a 5 MB string without trouble', () => {
    expect(decimalSign('-0.00', 10, 2)).toBe(1);
    expect(decimalSign('-0.01', 10, 2)).toBe(-1);
    expect(decimalSign('-12', 10, 2)).toBe(-1);
    expect(decimalSign('7'.repeat(5_000_000), 10, 2)).toBe(0);
    expect(decimalProblemText()).toBe('not a plain decimal number');
  });
});

describe('plainDecimal (the validator fast path for decimal strings)', () => {
  it('is true only where decimalSign answers 1, on every combination of sign, digits, dot, fraction and suffix', () => {
    const signs = ['', '-', '+'];
    const ints = ['', '0', '00', '1', '12', '0001', '1234567890', '12345678901', '0000000000012', '9'.repeat(30)];
    const dots = ['', '.', ','];
    const fracs = ['', '0', '5', '00', '50', '05', '500', '123', '1'.repeat(17), '1'.repeat(18), '1'.repeat(20)];
    const suffixes = ['', 'x', ' ', 'e5', '.1', '\u0663'];
    let accepted = 0;
    for (const [intDigits, scale] of [
      [10, 2],
      [1, 0],
      [30, 20],
      [0, 3],
      [36, 2],
    ] as const) {
      // The specification, spelled as a RegExp: 1..intDigits ASCII digits, then a dot and exactly `scale` digits.
      const form = new RegExp(`^[0-9]{1,${Math.max(1, intDigits)}}${scale ? `\\.[0-9]{${scale}}` : ''}$`);
      for (const v of joins(signs, ints, dots, fracs, suffixes)) {
        const expected = intDigits > 0 && form.test(v);
        expect(plainDecimal(v, intDigits, scale), `${v} decimal(${intDigits + scale},${scale})`).toBe(expected);
        if (expected) {
          expect(decimalSign(v, intDigits, scale), v).toBe(1);
          accepted++;
        }
      }
    }
    expect(accepted).toBeGreaterThan(40);
  });

  it('accepts the usual wire forms and refuses other spellings of the same values', () => {
    for (const v of ['0.00', '29.50', '1234567890.99', '7.05']) expect(plainDecimal(v, 10, 2), v).toBe(true);
    for (const v of ['29.5', '29.500', '.50', '29.', '-0.00', '+1.00', '1e2', '12345678901.00', '', '.', '1.0O'])
      expect(plainDecimal(v, 10, 2), v).toBe(false);
    expect(plainDecimal('42', 10, 0)).toBe(true);
    expect(plainDecimal('42.0', 10, 0)).toBe(false);
    expect(plainDecimal('12345678901', 10, 0)).toBe(false);
    expect(plainDecimal('1'.repeat(5_000_000), 10, 2)).toBe(false);
    expect(plainDecimal(`${'1'.repeat(5_000_000)}.00`, 10, 2)).toBe(false);
  });
});
