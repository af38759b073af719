// IdTable (the compact event_id -> coordinate table of the dedup index) and its 64-bit FNV-1a hash.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fnv1a64Hex, IdTable } from '../../../core/pipeline/id-table.js';

/** FNV-1a 64 by the definition, on BigInt, over Node's own UTF-8 encoding of the text. */
function referenceFnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(text, 'utf8')) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

describe('fnv1a64Hex', () => {
  it('matches the published FNV-1a 64-bit test vectors', () => {
    // From the FNV reference test suite (http://www.isthe.com/chongo/src/fnv/test_fnv.c, fnv1a_64_vector).
    expect(fnv1a64Hex('')).toBe('cbf29ce484222325');
    expect(fnv1a64Hex('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Hex('foobar')).toBe('85944171f73967e8');
  });

  it('hashes the UTF-8 bytes of any string (multi-byte, astral, lone surrogates as U+FFFD)', () => {
    const samples = ['é', '€uro', 'ok 😀 ok', 'x\ud800y', 'tail\udc00', randomUUID(), 'a'.repeat(1000)];
    for (const s of samples) expect(fnv1a64Hex(s), JSON.stringify(s)).toBe(referenceFnv1a64(s));
  });
});

describe('IdTable', () => {
  it('finds every id it holds with its coordinate, and none it does not', () => {
    const t = new IdTable();
    const n = 50_000;
    const ids = Array.from({ length: n }, () => randomUUID());
    ids.forEach((id, i) => expect(t.add(id, i * 3)).toBe(true));
    expect(t.size).toBe(n);
    // Adding again keeps the first coordinate.
    expect(t.add(ids[7]!, 1)).toBe(false);
    expect(t.size).toBe(n);
    let found = 0;
    ids.forEach((id, i) => {
      if (t.get(id) === i * 3) found++;
    });
    expect(found).toBe(n);
    let phantom = 0;
    for (let i = 0; i < n; i++) if (t.get(randomUUID()) !== undefined) phantom++;
    expect(phantom).toBe(0);
  });

  it('keeps coordinates exact, -1 included (a row with no Kafka coordinate)', () => {
    const t = new IdTable();
    const coords = [-1, 0, 2 ** 40 * 4095 + (2 ** 40 - 1), 123_456_789_012];
    coords.forEach((c, i) => t.add(`id-${i}`, c));
    expect(coords.map((_, i) => t.get(`id-${i}`))).toEqual(coords);
  });

  it('stays within 28 bytes per id at every size, ~22 on average (16 B per slot, 7/8 full before 1.5x growth)', () => {
    const t = new IdTable();
    const perId: number[] = [];
    for (let i = 0; i < 300_000; i++) {
      t.add(`evt-${i}`, i);
      if (i >= 1000 && i % 997 === 0) perId.push(t.byteLength / t.size);
    }
    expect(Math.max(...perId)).toBeLessThanOrEqual(28);
    expect(Math.min(...perId)).toBeGreaterThanOrEqual(16);
    const mean = perId.reduce((a, b) => a + b, 0) / perId.length;
    expect(mean).toBeLessThanOrEqual(24);
  });
});
