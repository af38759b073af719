// What every snapshot-producing operation (append, replace, overwrite) shares: the next sequence number, the
// manifest list, the snapshot summary (format/spec.md Appendix F) and the table metadata with the new snapshot
// as the current one (snapshots, snapshot-log, refs.main, current-snapshot-id, last-sequence-number).
import type { TableIdentifier } from '../catalog/catalog.js';
import type { ManifestFile, DataFile } from '../spec/manifest.js';
import { snapshotSummary } from '../spec/snapshot-summary.js';
import type { Snapshot, SnapshotSummary, TableMetadata } from '../spec/table-metadata.js';
import { ValidationError } from './errors.js';
import { writeManifestListFile } from './manifests.js';
import type { CommitContext } from './operation.js';

export interface SnapshotUpdate {
  /** Fixed for the life of the operation, so that manifests written in one attempt can be reused in the next. */
  snapshotId: bigint;
  operation: SnapshotSummary['operation'];
  /** The new snapshot's manifests: new ones (sequence number unassigned) first, then those kept. */
  manifests: ManifestFile[];
  /** Files added and removed, for the summary metrics. */
  added: readonly DataFile[];
  removed: readonly DataFile[];
  /** Caller-supplied summary properties (e.g. shoplake.offsets.<topic>.<partition>). */
  properties?: Record<string, string>;
}

/** The table's current snapshot (main), or undefined for an empty table. Java's -1 means none. */
export function currentSnapshot(m: TableMetadata): Snapshot | undefined {
  const id = m['current-snapshot-id'];
  if (id === undefined || id === null || id === -1n) return undefined;
  const s = m.snapshots?.find((x) => x['snapshot-id'] === id);
  if (!s) throw new Error(`table metadata at ${m.location}: current-snapshot-id ${id} is not in snapshots`);
  return s;
}

/** Writes the manifest list and returns `base` with the new snapshot as the current snapshot of main. */
export async function produceSnapshot(
  base: TableMetadata,
  ctx: CommitContext,
  u: SnapshotUpdate,
): Promise<TableMetadata> {
  if (base.snapshots?.some((s) => s['snapshot-id'] === u.snapshotId)) {
    throw new ValidationError(ctx.table, u.operation, `snapshot id ${u.snapshotId} is already taken`);
  }
  const sequenceNumber = base['last-sequence-number'] + 1;
  const timestampMs = ctx.now(base);
  const parent = currentSnapshot(base);
  // Manifests of earlier snapshots with no live file left (all DELETED) are dropped, as Java does.
  const manifests = u.manifests.filter(
    (m) => m.added_snapshot_id === u.snapshotId || m.added_files_count !== 0 || m.existing_files_count !== 0,
  );
  const location = ctx.manifestListLocation(base, u.snapshotId);
  ctx.files.wroteMetadata(location);
  const listed = await writeManifestListFile(ctx.io, location, {
    snapshotId: u.snapshotId,
    parentSnapshotId: parent?.['snapshot-id'],
    sequenceNumber,
    manifests,
  });
  ctx.files.use(location);
  for (const m of listed) ctx.files.use(m.manifest_path);
  ctx.ownSnapshotIds.add(u.snapshotId);

  const snapshot: Snapshot = {
    'snapshot-id': u.snapshotId,
    ...(parent ? { 'parent-snapshot-id': parent['snapshot-id'] } : {}),
    'sequence-number': sequenceNumber,
    'timestamp-ms': timestampMs,
    'manifest-list': location,
    summary: snapshotSummary(u.operation, { added: u.added, removed: u.removed }, parent?.summary, u.properties),
    'schema-id': base['current-schema-id'],
  };
  return withSnapshot(base, snapshot);
}

/** `base` plus `snapshot`, which becomes the current snapshot and the head of main. */
export function withSnapshot(base: TableMetadata, snapshot: Snapshot): TableMetadata {
  const id = snapshot['snapshot-id'];
  return {
    ...base,
    'last-sequence-number': snapshot['sequence-number'],
    'last-updated-ms': snapshot['timestamp-ms'],
    'current-snapshot-id': id,
    snapshots: [...(base.snapshots ?? []), snapshot],
    'snapshot-log': [...(base['snapshot-log'] ?? []), { 'timestamp-ms': snapshot['timestamp-ms'], 'snapshot-id': id }],
    refs: { ...(base.refs ?? {}), main: { ...(base.refs?.main ?? {}), 'snapshot-id': id, type: 'branch' } },
  };
}

/** Appendix F metric names (and `operation`): computed by the commit, so a caller may not set them. */
const RESERVED_SUMMARY_KEY = /^(operation|changed-partition-count|(added|deleted|removed|total)-[a-z-]+)$/;

/** Checks caller-supplied summary properties when the operation is staged, before anything is written. */
export function checkSummaryProperties(
  table: TableIdentifier,
  operation: string,
  properties: Record<string, string> | undefined,
): void {
  for (const [k, v] of Object.entries(properties ?? {})) {
    if (RESERVED_SUMMARY_KEY.test(k)) {
      throw new ValidationError(table, operation, `summary property ${k} is computed by the commit and cannot be set`);
    }
    if (typeof v !== 'string') {
      throw new ValidationError(table, operation, `summary property ${k} must be a string, got ${typeof v}`);
    }
  }
}
