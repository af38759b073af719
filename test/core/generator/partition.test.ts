import { describe, expect, it } from 'vitest';
import { KafkaPartitioner } from '../../../core/generator/partition.js';

// murmur2 of the key bytes as Kafka's Java client computes it (Utils.murmur2): Kafka's own test vectors and values
// computed by the Java client.
const JAVA_MURMUR2: Array<[string, number]> = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
  ['1', -1993445489],
  ['12', 126087238],
  ['123', -267702483],
  ['1234', -1614185708],
  ['12345', -1188365604],
];

describe('KafkaPartitioner', () => {
  it("picks toPositive(murmur2(key)) % partitions, as Kafka's default partitioner does", () => {
    for (const n of [1, 3, 6, 7, 64]) {
      const p = new KafkaPartitioner(n);
      for (const [key, hash] of JAVA_MURMUR2)
        expect(p.partitionOf(key), `${key} over ${n}`).toBe((hash & 0x7fffffff) % n);
    }
  });

  it('is stable per key and spreads many keys over every partition', () => {
    const p = new KafkaPartitioner(6);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const key = `shop-${i}.myshopify.com`;
      const a = p.partitionOf(key);
      expect(p.partitionOf(key)).toBe(a);
      seen.add(a);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects a partition count that is not a positive integer', () => {
    expect(() => new KafkaPartitioner(0)).toThrow(/partitions must be a positive integer/);
    expect(() => new KafkaPartitioner(2.5)).toThrow(/partitions must be a positive integer/);
  });
});
