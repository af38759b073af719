import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, backoffMs, retryPolicy } from '../../../../core/iceberg/transaction/retry.js';

describe('retryPolicy', () => {
  it("uses Java's defaults when the table sets nothing", () => {
    expect(retryPolicy({})).toEqual({ numRetries: 4, minWaitMs: 100, maxWaitMs: 60_000, totalTimeoutMs: 1_800_000 });
  });

  it('reads commit.retry.* properties', () => {
    const p = retryPolicy({
      'commit.retry.num-retries': '7',
      'commit.retry.min-wait-ms': '5',
      'commit.retry.max-wait-ms': '50',
      'commit.retry.total-timeout-ms': '1000',
    });
    expect(p).toEqual({ numRetries: 7, minWaitMs: 5, maxWaitMs: 50, totalTimeoutMs: 1000 });
  });

  it('names the property when a value is malformed', () => {
    expect(() => retryPolicy({ 'commit.retry.num-retries': 'three' })).toThrow(/commit\.retry\.num-retries="three"/);
    expect(() => retryPolicy({ 'commit.retry.min-wait-ms': '-1' })).toThrow(/commit\.retry\.min-wait-ms/);
    expect(() => retryPolicy({ 'commit.retry.min-wait-ms': '10', 'commit.retry.max-wait-ms': '5' })).toThrow(
      /max-wait-ms=5 is below/,
    );
  });
});

describe('backoffMs', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, minWaitMs: 100, maxWaitMs: 1000 };

  it('doubles from min-wait and stops at max-wait', () => {
    const noJitter = (): number => 0;
    expect([1, 2, 3, 4, 5, 6].map((r) => backoffMs(policy, r, noJitter))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('adds at most 10% jitter', () => {
    expect(backoffMs(policy, 1, () => 0.999)).toBe(110);
    expect(backoffMs(policy, 10, () => 0.5)).toBe(1050);
    for (let i = 0; i < 100; i++) {
      const d = backoffMs(policy, 3);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(440);
    }
  });
});
