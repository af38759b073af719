// The PII hash silver applies to fields of class `direct`: HMAC-SHA256 with a per-environment secret salt, hex.
// Equal inputs give equal hashes within an environment, so joins and distinct counts still work.
import { createHmac } from 'node:crypto';
import type { HashPii } from './conform.js';

export function createPiiHasher(salt: string | Uint8Array): HashPii {
  if (salt.length < 16) throw new Error('PII salt must be at least 16 bytes');
  return (value: string) => createHmac('sha256', salt).update(value, 'utf8').digest('hex');
}
