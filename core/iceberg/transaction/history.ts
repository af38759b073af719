// Walking a table's history for conflict validation: which snapshots were committed on main since the snapshot an
// operation was planned against (Java's SnapshotUtil.ancestorsBetween / MergingSnapshotProducer.validationHistory).
import type { TableIdentifier } from '../catalog/catalog.js';
import type { Snapshot, TableMetadata } from '../spec/table-metadata.js';
import { ValidationError } from './errors.js';
import { currentSnapshot } from './snapshot-producer.js';

/**
 * Snapshots on main after `fromId` (exclusive) up to the current one, newest first, leaving out `ownIds`
 * (snapshots the same transaction made). `fromId` undefined means "since the table was empty".
 * Throws ValidationError when `fromId` is no longer an ancestor of the current snapshot (expired, or main was
 * rolled back), because then nobody can tell what changed.
 */
export function snapshotsSince(
  table: TableIdentifier,
  operation: string,
  metadata: TableMetadata,
  fromId: bigint | undefined,
  ownIds: ReadonlySet<bigint>,
): Snapshot[] {
  const byId = new Map((metadata.snapshots ?? []).map((s) => [s['snapshot-id'], s]));
  const out: Snapshot[] = [];
  for (let s = currentSnapshot(metadata); s;) {
    if (s['snapshot-id'] === fromId) return out;
    if (!ownIds.has(s['snapshot-id'])) out.push(s);
    const parent = s['parent-snapshot-id'];
    if (parent === undefined) break;
    const next = byId.get(parent);
    if (!next) {
      if (fromId === undefined) return out;
      break;
    }
    s = next;
  }
  if (fromId === undefined) return out;
  throw new ValidationError(
    table,
    operation,
    `cannot tell what changed since snapshot ${fromId}: it is no longer an ancestor of the current snapshot ` +
      `(expired or rolled back concurrently)`,
  );
}
