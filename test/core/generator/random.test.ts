import { describe, expect, it } from 'vitest';
import { Random, cumulative } from '../../../core/generator/random.js';

const draw = (r: Random, n: number): number[] => Array.from({ length: n }, () => r.float());

describe('Random', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    expect(draw(new Random(7), 20)).toEqual(draw(new Random(7), 20));
    expect(draw(new Random(7), 20)).not.toEqual(draw(new Random(8), 20));
  });

  it('forks independent streams without disturbing the parent', () => {
    const a = new Random(1);
    const child = a.fork();
    const b = new Random(1);
    b.fork();
    const childDraws = draw(child, 50);
    const parentDraws = draw(a, 50);
    // The parent continues the same whatever its child draws.
    expect(parentDraws).toEqual(draw(b, 50));
    expect(childDraws).not.toEqual(parentDraws);
    // Two forks in a row are two different streams.
    const c = new Random(1);
    expect(draw(c.fork(), 50)).not.toEqual(draw(c.fork(), 50));
  });

  it('draws floats in [0, 1) with a uniform mean, and ints in their inclusive range', () => {
    const r = new Random(3);
    const xs = draw(r, 20_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1);
    const ints = new Set(Array.from({ length: 2_000 }, () => r.int(3, 7)));
    expect([...ints].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('has the means its distributions promise', () => {
    const r = new Random(4);
    const mean = (f: () => number, n = 40_000): number => Array.from({ length: n }, f).reduce((a, b) => a + b, 0) / n;
    expect(mean(() => r.exp(10))).toBeCloseTo(10, 0);
    expect(mean(() => r.geometric(3))).toBeCloseTo(3, 1);
    expect(mean(() => r.poisson(4))).toBeCloseTo(4, 1);
    expect(mean(() => r.poisson(200))).toBeCloseTo(200, -1);
    expect(mean(() => r.normal())).toBeCloseTo(0, 1);
    const lu = Array.from({ length: 20_000 }, () => r.logUniform(1, 100));
    expect(Math.min(...lu)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...lu)).toBeLessThan(100);
    // As many draws between 1 and 10 as between 10 and 100.
    expect(lu.filter((x) => x < 10).length / lu.length).toBeCloseTo(0.5, 1);
  });

  it('picks weighted indexes in proportion to their weights', () => {
    const r = new Random(5);
    const cum = cumulative([1, 0, 3]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[r.weightedIndex(cum)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeCloseTo(3, 0);
  });

  it('makes RFC 9562 version 4 UUIDs and lowercase hex', () => {
    const r = new Random(6);
    const ids = Array.from({ length: 1_000 }, () => r.uuid());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    for (const n of [4, 12, 32]) expect(r.hex(n)).toMatch(new RegExp(`^[0-9a-f]{${n}}$`));
  });

  it('writes the UUID uuid() would have drawn into a buffer, at any offset', () => {
    const a = new Random(9);
    const b = new Random(9);
    const buf = Buffer.alloc(50, 0x2a);
    for (let i = 0; i < 200; i++) {
      const at = i % 14;
      b.uuidInto(buf, at);
      expect(buf.toString('latin1', at, at + 36)).toBe(a.uuid());
    }
    expect(buf.toString('latin1', 13 + 36)).toBe('*');
  });
});
