// Which snapshot a scan reads: the current one (main), one by id, a named ref (branch or tag), or the one that
// was current at a point in time (time travel through the snapshot-log, as Java's SnapshotUtil.snapshotIdAsOfTime).
import type { Snapshot, TableMetadata } from '../spec/table-metadata.js';

export interface SnapshotSelector {
  snapshotId?: bigint;
  /** Milliseconds since the epoch: the snapshot that was current then. */
  asOfTimestamp?: number;
  /** A branch or tag name. */
  ref?: string;
}

/** The selected snapshot, or undefined for a table that has no snapshot (yet). Bad selectors are errors. */
export function selectSnapshot(
  metadata: TableMetadata,
  sel: SnapshotSelector = {},
  source = metadata.location,
): Snapshot | undefined {
  const given = [sel.snapshotId, sel.asOfTimestamp, sel.ref].filter((v) => v !== undefined).length;
  if (given > 1) throw new Error(`${source}: choose one of snapshotId, asOfTimestamp and ref`);
  const byId = (id: bigint, why: string): Snapshot => {
    const s = (metadata.snapshots ?? []).find((x) => x['snapshot-id'] === id);
    if (!s) throw new Error(`${source}: snapshot ${id} (${why}) does not exist (expired?)`);
    return s;
  };
  if (sel.snapshotId !== undefined) return byId(sel.snapshotId, 'requested');
  if (sel.ref !== undefined) {
    const r = metadata.refs?.[sel.ref];
    if (!r) throw new Error(`${source}: no branch or tag named ${sel.ref}`);
    return byId(r['snapshot-id'], `ref ${sel.ref}`);
  }
  if (sel.asOfTimestamp !== undefined) {
    let found: bigint | undefined;
    for (const e of metadata['snapshot-log'] ?? [])
      if (e['timestamp-ms'] <= sel.asOfTimestamp) found = e['snapshot-id'];
    if (found === undefined) {
      throw new Error(
        `${source}: no snapshot was current at ${new Date(sel.asOfTimestamp).toISOString()} (${sel.asOfTimestamp} ms)`,
      );
    }
    return byId(found, `current at ${sel.asOfTimestamp} ms`);
  }
  const main = metadata.refs?.main?.['snapshot-id'] ?? metadata['current-snapshot-id'];
  if (main === undefined || main === null || main === -1n) return undefined;
  return byId(main, 'current');
}
