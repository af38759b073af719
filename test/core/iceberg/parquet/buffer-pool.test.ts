import { describe, expect, it } from 'vitest';
import {
  giveBuffer,
  grownView,
  POOL_MAX_BYTES,
  pooledBytes,
  takeBuffer,
} from '../../../../core/iceberg/parquet/buffer-pool.js';

describe('buffer pool', () => {
  it('hands out power-of-two buffers and reuses what was given back', () => {
    const a = takeBuffer(5000);
    expect(a.byteLength).toBe(8192);
    const before = pooledBytes();
    giveBuffer(a);
    expect(pooledBytes()).toBe(before + 8192);
    expect(takeBuffer(6000)).toBe(a); // same class: the very buffer comes back
    expect(pooledBytes()).toBe(before);
    expect(takeBuffer(8193).byteLength).toBe(16384);
  });

  it('grows a view keeping its contents, and does not keep buffers past its cap or odd sizes', () => {
    const v = new Int32Array(takeBuffer(16), 0, 4).fill(7);
    const g = grownView(v, 10_000);
    expect(g.length).toBeGreaterThanOrEqual(10_000);
    expect(Array.from(g.subarray(0, 4))).toEqual([7, 7, 7, 7]);
    const before = pooledBytes();
    giveBuffer(new ArrayBuffer(5000)); // not a size class
    giveBuffer(new ArrayBuffer(64 * 1024 * 1024)); // larger than pooled sizes
    expect(pooledBytes()).toBe(before);
    const big: ArrayBuffer[] = [];
    for (let i = 0; i < POOL_MAX_BYTES / (4 * 1024 * 1024) + 4; i++) big.push(new ArrayBuffer(4 * 1024 * 1024));
    for (const b of big) giveBuffer(b);
    expect(pooledBytes()).toBeLessThanOrEqual(POOL_MAX_BYTES);
    // take back what this test put in
    for (let i = 0; i < big.length; i++) takeBuffer(4 * 1024 * 1024);
    expect(pooledBytes()).toBeLessThanOrEqual(before);
  });
});
