// Commit retry policy from table properties, with Java's defaults (TableProperties.COMMIT_*), and the
// bounded exponential backoff with jitter between attempts (as Java's Tasks.exponentialBackoff).

export const NUM_RETRIES = 'commit.retry.num-retries';
export const MIN_WAIT_MS = 'commit.retry.min-wait-ms';
export const MAX_WAIT_MS = 'commit.retry.max-wait-ms';
export const TOTAL_TIMEOUT_MS = 'commit.retry.total-timeout-ms';

export interface RetryPolicy {
  /** Retries after the first attempt (so at most numRetries + 1 attempts). */
  numRetries: number;
  minWaitMs: number;
  maxWaitMs: number;
  /** No retry starts once this much time has passed since the first attempt. */
  totalTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  numRetries: 4,
  minWaitMs: 100,
  maxWaitMs: 60_000,
  totalTimeoutMs: 1_800_000,
};

/** Reads the policy from table properties; a malformed value is an error naming the property. */
export function retryPolicy(properties: Record<string, string> = {}): RetryPolicy {
  const get = (key: string, dflt: number): number => {
    const raw = properties[key];
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(n) || n < 0) {
      throw new Error(`table property ${key}=${JSON.stringify(raw)} is not a non-negative integer`);
    }
    return n;
  };
  const p: RetryPolicy = {
    numRetries: get(NUM_RETRIES, DEFAULT_RETRY_POLICY.numRetries),
    minWaitMs: get(MIN_WAIT_MS, DEFAULT_RETRY_POLICY.minWaitMs),
    maxWaitMs: get(MAX_WAIT_MS, DEFAULT_RETRY_POLICY.maxWaitMs),
    totalTimeoutMs: get(TOTAL_TIMEOUT_MS, DEFAULT_RETRY_POLICY.totalTimeoutMs),
  };
  if (p.maxWaitMs < p.minWaitMs) {
    throw new Error(`table property ${MAX_WAIT_MS}=${p.maxWaitMs} is below ${MIN_WAIT_MS}=${p.minWaitMs}`);
  }
  return p;
}

/**
 * Wait before retry number `retry` (1 for the first retry): minWait * 2^(retry-1), capped at maxWait, plus up
 * to 10% random jitter so that writers that collided do not collide again in lock step.
 */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const base = Math.min(policy.minWaitMs * 2 ** Math.max(0, retry - 1), policy.maxWaitMs);
  return Math.round(base + random() * base * 0.1);
}
