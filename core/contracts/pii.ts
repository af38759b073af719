// The PII hash silver applies to fields of class `direct`: HMAC-SHA256 with a per-environment secret salt, hex.
// Equal inputs give equal hashes within an environment, so joins and distinct counts still work. The same values
// recur within a batch (an order's email twice, a returning customer's name), so recent results are memoized.
import { createHmac } from 'node:crypto';
import type { HashPii } from './conform.js';

const MEMO_ENTRIES = 50_000;

export function createPiiHasher(salt: string | Uint8Array): HashPii {
  if (salt.length < 16) throw new Error('PII salt must be at least 16 bytes');
  let memo = new Map<string, string>();
  return (value: string) => {
    let h = memo.get(value);
    if (h === undefined) {
      h = createHmac('sha256', salt).update(value, 'utf8').digest('hex');
      if (memo.size >= MEMO_ENTRIES) memo = new Map();
      memo.set(value, h);
    }
    return h;
  };
}
