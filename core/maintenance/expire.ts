// Expire snapshots through the transaction layer's expireSnapshots (format/spec.md "Snapshot Retention Policy";
// it also deletes the manifest lists, manifests and data files only the expired snapshots reached: that is when the
// small files a compaction replaced leave storage). Mirrors compact.ts.
//
// Retention: snapshots older than `maxSnapshotAgeMs` (override) or the table's history.expire.max-snapshot-age-ms
// or `defaultMaxSnapshotAgeMs` (the job's SHOPLAKE_SNAPSHOT_RETENTION_DAYS) or 5 days, keeping at least
// `retainLast` (or history.expire.min-snapshots-to-keep, default 1).
//
// Exactly once: main's ancestry is always kept down to the snapshot the ingest pipeline reads its offsets from
// (protocol.ts offsetsSnapshot), whatever the age: `retainLast` is raised to its depth. The commit goes through
// guardCatalog; if the table moved meanwhile so that the raised retainLast no longer covers that snapshot (a
// foreign commit without offsets landed on top), the guard refuses and the expiry is recomputed on the new table.
import type { Catalog, LoadedTable } from '../iceberg/catalog/catalog.js';
import { intProperty } from '../iceberg/spec/table-properties.js';
import { ExpireSnapshotsOperation, MAX_SNAPSHOT_AGE_MS, MIN_SNAPSHOTS_TO_KEEP } from '../iceberg/transaction/expire.js';
import type { ExpireResult } from '../iceberg/transaction/expire.js';
import { Transaction } from '../iceberg/transaction/transaction.js';
import { guardCatalog, guardErrorOf, offsetsSnapshot } from './protocol.js';

export const DEFAULT_MAX_SNAPSHOT_AGE_MS = 5 * 24 * 3_600_000;

export interface ExpireOptions {
  /** Expire snapshots older than this many ms, whatever the table property says. */
  maxSnapshotAgeMs?: number;
  /** Used when neither `maxSnapshotAgeMs` nor the table property is set (default 5 days). */
  defaultMaxSnapshotAgeMs?: number;
  /** Keep at least this many snapshots of main (default: history.expire.min-snapshots-to-keep, else 1). */
  retainLast?: number;
  /** Report what would expire; change nothing. */
  dryRun?: boolean;
  /** Clock, ms since epoch (default Date.now). */
  now?: () => number;
}

export interface ExpireTableResult {
  table: string;
  dryRun: boolean;
  snapshotsBefore: number;
  snapshotsAfter: number;
  expiredSnapshotIds: bigint[];
  maxSnapshotAgeMs: number;
  /** The retainLast used: at least the depth of the snapshot carrying the Kafka offsets. */
  retainLast: number;
  /** retainLast was raised above the configured minimum to keep the offsets. */
  keptForOffsets: boolean;
  /** Files deleted after the commit (0 in a dry run). */
  deletedDataFiles: number;
  deletedManifests: number;
  deletedManifestLists: number;
  deletedOther: number;
  notDeleted: ExpireResult['notDeleted'];
}

export async function expireTable(
  catalog: Catalog,
  table: LoadedTable,
  options: ExpireOptions = {},
): Promise<ExpireTableResult> {
  const name = `${table.identifier.namespace}.${table.identifier.name}`;
  for (let attempt = 1; ; attempt++) {
    const m = table.metadata;
    const props = m.properties;
    const maxSnapshotAgeMs =
      options.maxSnapshotAgeMs ??
      (props?.[MAX_SNAPSHOT_AGE_MS] !== undefined
        ? intProperty(props, MAX_SNAPSHOT_AGE_MS)
        : (options.defaultMaxSnapshotAgeMs ?? DEFAULT_MAX_SNAPSHOT_AGE_MS));
    if (!Number.isSafeInteger(maxSnapshotAgeMs) || maxSnapshotAgeMs < 0) {
      throw new Error(`${name}: snapshot age ${maxSnapshotAgeMs} ms is not a non-negative integer`);
    }
    const minKeep = options.retainLast ?? intProperty(props, MIN_SNAPSHOTS_TO_KEEP, 1);
    if (!Number.isInteger(minKeep) || minKeep < 1) throw new Error(`${name}: retainLast must be >= 1, got ${minKeep}`);
    const depth = offsetsSnapshot(m)?.depth ?? 0;
    const retainLast = Math.max(minKeep, depth);
    const olderThanMs = (options.now ?? Date.now)() - maxSnapshotAgeMs;
    const before = m.snapshots?.length ?? 0;
    const result: ExpireTableResult = {
      table: name,
      dryRun: options.dryRun === true,
      snapshotsBefore: before,
      snapshotsAfter: before,
      expiredSnapshotIds: [],
      maxSnapshotAgeMs,
      retainLast,
      keptForOffsets: depth > minKeep,
      deletedDataFiles: 0,
      deletedManifests: 0,
      deletedManifestLists: 0,
      deletedOther: 0,
      notDeleted: [],
    };

    if (options.dryRun) {
      // The operation's own retention rules, applied to the metadata without committing.
      const next = await new ExpireSnapshotsOperation(table, { olderThanMs, retainLast }).apply(m);
      const kept = new Set((next.snapshots ?? []).map((s) => s['snapshot-id']));
      result.expiredSnapshotIds = (m.snapshots ?? []).map((s) => s['snapshot-id']).filter((id) => !kept.has(id));
      result.snapshotsAfter = kept.size;
      return result;
    }

    const tx = new Transaction(guardCatalog(catalog), table);
    tx.expireSnapshots({ olderThanMs, retainLast });
    let committed: LoadedTable;
    try {
      committed = await tx.commit();
    } catch (e) {
      const guard = guardErrorOf(e);
      if (!guard || attempt >= 3) throw guard ?? e;
      table = await catalog.loadTable(table.identifier);
      continue;
    }
    const expired = tx.expired;
    result.snapshotsAfter = committed.metadata.snapshots?.length ?? 0;
    if (expired) {
      result.expiredSnapshotIds = expired.expiredSnapshotIds;
      result.deletedDataFiles = expired.deleted.dataFiles.length;
      result.deletedManifests = expired.deleted.manifests.length;
      result.deletedManifestLists = expired.deleted.manifestLists.length;
      result.deletedOther = expired.deleted.deleteFiles.length + expired.deleted.statisticsFiles.length;
      result.notDeleted = expired.notDeleted;
    }
    return result;
  }
}
