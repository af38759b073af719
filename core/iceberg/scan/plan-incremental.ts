// planIncremental: the data files appended after snapshot `from` (exclusive) up to snapshot `to` (inclusive) on
// the same line of history, for consumers that tail a table (as Java's IncrementalAppendScan).
// Snapshots in between are classified by their summary operation:
//   append           its ADDED data files are returned;
//   replace          skipped: compaction rewrites rows that were already delivered, it adds none;
//   overwrite/delete an error by default (rows were changed or removed, and an append-only consumer would silently
//                    miss that); `nonAppend: 'skip'` skips them instead, as Java's IncrementalAppendScan does.
import type { LoadedTable } from '../catalog/catalog.js';
import { DataContent, ManifestContent } from '../spec/manifest.js';
import type { Snapshot } from '../spec/table-metadata.js';
import { bindFilter } from './expression.js';
import type { Filter } from './expression.js';
import { ADDED, manifestEntries, snapshotManifests } from './manifests.js';
import { Pruner, currentSchema } from './plan-files.js';
import type { FileScanTask } from './plan-files.js';
import { selectSnapshot } from './select-snapshot.js';

export interface IncrementalOptions {
  /** Exclusive start; undefined = from the beginning of the table's history. */
  fromSnapshotId?: bigint;
  /** Inclusive end; the current snapshot by default. */
  toSnapshotId?: bigint;
  filter?: Filter;
  nonAppend?: 'error' | 'skip';
}

export async function planIncremental(table: LoadedTable, options: IncrementalOptions = {}): Promise<FileScanTask[]> {
  const { metadata, io } = table;
  const source = table.metadataLocation;
  const to = selectSnapshot(
    metadata,
    options.toSnapshotId !== undefined ? { snapshotId: options.toSnapshotId } : {},
    source,
  );
  if (!to) return [];
  const chain = snapshotsBetween(metadata.snapshots ?? [], options.fromSnapshotId, to, source);
  const schema = currentSchema(metadata);
  const pruner = new Pruner(metadata, schema, bindFilter(options.filter ?? { op: 'true' }, schema));
  const tasks: FileScanTask[] = [];
  for (const s of chain) {
    const op = s.summary.operation;
    if (op === 'replace') continue;
    if (op !== 'append') {
      if (options.nonAppend === 'skip') continue;
      throw new Error(
        `${source}: incremental scan from ${options.fromSnapshotId ?? 'the start'} to ${to['snapshot-id']} meets snapshot ${s['snapshot-id']} (${op}), which changes or removes rows; use a full scan or nonAppend: 'skip'`,
      );
    }
    const manifests = (await snapshotManifests(io, s)).filter(
      (m) =>
        m.content === ManifestContent.Data &&
        m.added_snapshot_id === s['snapshot-id'] &&
        m.added_files_count !== 0 &&
        pruner.manifestMightMatch(m.partition_spec_id, m.partitions),
    );
    for (const m of manifests) {
      for (const e of await manifestEntries(io, m, ADDED)) {
        if (e.snapshotId !== s['snapshot-id'] || e.entry.data_file.content !== DataContent.Data) continue;
        if (!pruner.fileMightMatch(m.partition_spec_id, e.entry.data_file)) continue;
        tasks.push({
          file: e.entry.data_file,
          specId: m.partition_spec_id,
          sequenceNumber: e.sequenceNumber,
          deletes: [],
        });
      }
    }
  }
  return tasks;
}

/** Snapshots after `fromId` up to `to`, oldest first; `fromId` must be an ancestor of `to`. */
function snapshotsBetween(all: Snapshot[], fromId: bigint | undefined, to: Snapshot, source: string): Snapshot[] {
  const byId = new Map(all.map((s) => [s['snapshot-id'], s]));
  if (fromId !== undefined && !byId.has(fromId))
    throw new Error(`${source}: snapshot ${fromId} does not exist (expired?)`);
  const out: Snapshot[] = [];
  for (let s: Snapshot | undefined = to; s;) {
    if (s['snapshot-id'] === fromId) return out.reverse();
    out.push(s);
    const parent: bigint | undefined = s['parent-snapshot-id'];
    s = parent === undefined ? undefined : byId.get(parent);
    if (parent !== undefined && !s && fromId === undefined) {
      throw new Error(
        `${source}: history before snapshot ${out.at(-1)!['snapshot-id']} has expired; cannot scan from the start`,
      );
    }
  }
  if (fromId === undefined) return out.reverse();
  throw new Error(`${source}: snapshot ${fromId} is not an ancestor of snapshot ${to['snapshot-id']}`);
}
