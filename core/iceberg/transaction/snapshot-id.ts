// Snapshot ids: positive 63-bit longs, random so that concurrent writers do not collide (format/spec.md
// Appendix F "Assignment of Snapshot IDs": random, positive, and checked against the table's existing ids).
import { randomBytes } from 'node:crypto';
import type { TableMetadata } from '../spec/table-metadata.js';

const MAX_LONG = (1n << 63n) - 1n;

/** A random id in [1, 2^63 - 1] that `metadata` (if given) does not already use. */
export function newSnapshotId(metadata?: TableMetadata): bigint {
  for (;;) {
    const id = randomBytes(8).readBigUInt64BE() & MAX_LONG;
    if (id !== 0n && !metadata?.snapshots?.some((s) => s['snapshot-id'] === id)) return id;
  }
}
