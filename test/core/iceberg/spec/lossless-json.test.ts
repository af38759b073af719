import { parse as losslessParse, stringify as losslessStringify } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { parseLosslessJson, stringifyLosslessJson } from '../../../../core/iceberg/spec/lossless-json.js';

// lossless-json (a maintained library) is the oracle: integers beyond 2^53 as bigint, others as number.
const oracle = (text: string): unknown =>
  losslessParse(text, null, (s) => {
    if (/^-?\d+$/.test(s)) {
      const n = Number(s);
      return Number.isSafeInteger(n) ? n : BigInt(s);
    }
    return Number(s);
  });

/** A deterministic pseudo-random generator (xorshift) so failures reproduce. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function randomValue(r: () => number, depth: number): unknown {
  const pick = Math.floor(r() * (depth > 3 ? 6 : 8));
  switch (pick) {
    case 0:
      return BigInt.asIntN(64, BigInt(Math.floor(r() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(r() * 2 ** 32)));
    case 1:
      return Math.floor((r() - 0.5) * 2 ** 53);
    case 2:
      return (r() - 0.5) * 10 ** Math.floor(r() * 40);
    case 3:
      return ['', 'a"b', '12345678901234567890', 'snap-7505300640432048841-1.avro', 'ü\\n', '\u0001x'][
        Math.floor(r() * 6)
      ];
    case 4:
      return r() < 0.5;
    case 5:
      return null;
    case 6:
      return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 4); i > 0; i--) o[`k${Math.floor(r() * 1e6)}`] = randomValue(r, depth + 1);
      return o;
    }
  }
}

describe('parseLosslessJson', () => {
  it('keeps 63-bit snapshot ids exact where JSON.parse rounds them', () => {
    const text = '{"current-snapshot-id":7505300640432048841,"ids":[9223372036854775807,-9223372036854775808,42]}';
    expect(JSON.parse(text)['current-snapshot-id']).not.toBe(7505300640432048841n);
    expect(parseLosslessJson(text)).toEqual({
      'current-snapshot-id': 7505300640432048841n,
      ids: [9223372036854775807n, -9223372036854775808n, 42],
    });
  });

  it('leaves digits inside strings, fractions and exponents alone', () => {
    const text =
      '{"s":"12345678901234567890","f":0.12345678901234567,"e":1e12345678901234567,"n":-1.5e-300,"k12345678901234567":1}';
    expect(parseLosslessJson(text)).toEqual(oracle(text));
    // escaped quotes and backslashes right before digit runs must not end the string early
    const escapes = JSON.stringify({ q: 'a"12345678901234567890', b: '\\', c: 'x\\"9007199254740993' }).replace(
      /}$/,
      ',"n":12345678901234567890}',
    );
    expect(parseLosslessJson(escapes)).toEqual({
      q: 'a"12345678901234567890',
      b: '\\',
      c: 'x\\"9007199254740993',
      n: 12345678901234567890n,
    });
  });

  it('agrees with lossless-json on random documents and round-trips them', () => {
    const r = rng(20251122);
    for (let i = 0; i < 300; i++) {
      const value = randomValue(r, 0);
      const text = losslessStringify(value) ?? 'null';
      const parsed = parseLosslessJson(text);
      expect(parsed).toEqual(oracle(text));
      const pretty = losslessStringify(value, null, i % 2 === 0 ? 2 : '\t') ?? 'null';
      expect(parseLosslessJson(pretty)).toEqual(parsed);
      expect(parseLosslessJson(stringifyLosslessJson(parsed))).toEqual(parsed);
    }
  });

  it('keeps strings that contain NUL escapes intact (another marker is chosen)', () => {
    const text = '{"a":"\\u0000123","b":12345678901234567890}';
    expect(parseLosslessJson(text)).toEqual({ a: '\u0000123', b: 12345678901234567890n });
  });

  it('handles a multi-megabyte string without regex stack problems', () => {
    const big = 'x'.repeat(5_000_000);
    expect(parseLosslessJson(JSON.stringify({ big, id: 9007199254740993n.toString() }))).toEqual({
      big,
      id: '9007199254740993',
    });
  });

  it('throws the SyntaxError JSON.parse gives for the original text', () => {
    for (const bad of ['{"a": 12345678901234567890,', '{"a": tru}', '[1,,2]', '']) {
      let native: unknown;
      try {
        JSON.parse(bad);
      } catch (e) {
        native = e;
      }
      expect(() => parseLosslessJson(bad)).toThrow(SyntaxError);
      expect(() => parseLosslessJson(bad)).toThrow((native as Error).message);
    }
  });
});

describe('stringifyLosslessJson', () => {
  it('writes bigints as integer literals', () => {
    expect(stringifyLosslessJson({ a: 9223372036854775807n, b: [-5n, 1.5, 'x'] })).toBe(
      '{"a":9223372036854775807,"b":[-5,1.5,"x"]}',
    );
  });

  it('refuses strings starting with NUL rather than risk corrupting them', () => {
    expect(() => stringifyLosslessJson({ a: '\u0000123' })).toThrow(/NUL/);
  });
});
