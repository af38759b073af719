// Manifest work shared by the operations, over the readers and writers of avro/: list a snapshot's manifests,
// read entries with inheritance applied, write new manifests, rewrite a manifest with files marked DELETED, and
// merge manifests (commit.manifest.* properties, as Java's ManifestMergeManager). Also the check of caller-given
// DataFiles, so that bad input fails before anything is written.
import type { LoadedTable } from '../catalog/catalog.js';
import type { FileIO } from '../io/file-io.js';
import { readManifestList } from '../avro/manifest-list-reader.js';
import { readManifest } from '../avro/manifest-reader.js';
import { writeManifestList } from '../avro/manifest-list-writer.js';
import { UNASSIGNED_SEQUENCE_NUMBER, writeManifest } from '../avro/manifest-writer.js';
import { ManifestContent, EntryStatus } from '../spec/manifest.js';
import type { DataFile, ManifestEntry, ManifestFile } from '../spec/manifest.js';
import type { PartitionSpec } from '../spec/partition-spec.js';
import type { Snapshot, TableMetadata } from '../spec/table-metadata.js';
import type { Schema } from '../spec/types.js';
import {
  MANIFEST_MERGE_ENABLED,
  MANIFEST_MIN_MERGE_COUNT,
  MANIFEST_TARGET_SIZE_BYTES,
  boolProperty,
  intProperty,
} from '../spec/table-properties.js';
import { ValidationError } from './errors.js';
import type { CommitContext } from './operation.js';

/** The manifests of a snapshot (none for an empty table). */
export async function readManifestFiles(io: FileIO, snapshot: Snapshot | undefined): Promise<ManifestFile[]> {
  return snapshot ? readManifestList(io, snapshot['manifest-list']) : [];
}

/**
 * A manifest's entries with snapshot ids and sequence numbers inherited from the manifest-list entry
 * (format/spec.md "Sequence Number Inheritance"), so they can be written into another manifest as EXISTING or
 * DELETED. A manifest of the snapshot under way (sequence number unassigned) keeps its nulls.
 */
export async function readEntries(io: FileIO, manifest: ManifestFile): Promise<ManifestEntry[]> {
  if (manifest.sequence_number !== UNASSIGNED_SEQUENCE_NUMBER) {
    return readManifest(io, manifest.manifest_path, manifest);
  }
  const entries = await readManifest(io, manifest.manifest_path);
  return entries.map((e) => ({ ...e, snapshot_id: e.snapshot_id ?? manifest.added_snapshot_id }));
}

/**
 * The entry of a file added by snapshot `snapshotId` (format/spec.md "Sequence Number Inheritance"): status ADDED,
 * the snapshot id written (as Java does), data and file sequence numbers null, inherited from the manifest list.
 */
export function addedEntry(file: DataFile, snapshotId: bigint): ManifestEntry {
  return {
    status: EntryStatus.Added,
    snapshot_id: snapshotId,
    sequence_number: null,
    file_sequence_number: null,
    data_file: file,
  };
}

/** Writes a manifest of `entries` for `specId` into the table's metadata folder and records it in `ctx.files`. */
export async function writeManifestFile(
  base: TableMetadata,
  ctx: CommitContext,
  specId: number,
  entries: ManifestEntry[],
  snapshotId: bigint,
  content: ManifestContent = ManifestContent.Data,
): Promise<ManifestFile> {
  const location = ctx.newManifestLocation(base);
  ctx.files.wroteMetadata(location);
  return writeManifest(ctx.io, location, {
    schema: currentSchema(base),
    spec: specById(base, specId),
    content,
    entries,
    addedSnapshotId: snapshotId,
  });
}

/** Writes a manifest list; returns its entries with this snapshot's sequence number given to its new manifests. */
export async function writeManifestListFile(
  io: FileIO,
  location: string,
  list: { snapshotId: bigint; parentSnapshotId: bigint | undefined; sequenceNumber: number; manifests: ManifestFile[] },
): Promise<ManifestFile[]> {
  return writeManifestList(io, location, list);
}

/**
 * `manifest` rewritten for snapshot `snapshotId` with the live entries whose path is in `remove` marked DELETED
 * and the other live entries kept as EXISTING (files deleted by earlier snapshots are dropped). Returns undefined
 * when the manifest holds none of the paths (it is then kept as it is).
 */
export async function rewriteWithout(
  base: TableMetadata,
  ctx: CommitContext,
  manifest: ManifestFile,
  remove: ReadonlySet<string>,
  snapshotId: bigint,
): Promise<{ manifest: ManifestFile; removed: ManifestEntry[] } | undefined> {
  const entries = await readEntries(ctx.io, manifest);
  const live = entries.filter((e) => e.status !== EntryStatus.Deleted);
  if (!live.some((e) => remove.has(e.data_file.file_path))) return undefined;
  const removed: ManifestEntry[] = [];
  const out = live.map((e): ManifestEntry => {
    if (!remove.has(e.data_file.file_path)) return { ...e, status: EntryStatus.Existing };
    const deleted = { ...e, status: EntryStatus.Deleted, snapshot_id: snapshotId };
    removed.push(deleted);
    return deleted;
  });
  const rewritten = await writeManifestFile(base, ctx, manifest.partition_spec_id, out, snapshotId, manifest.content);
  return { manifest: rewritten, removed };
}

/**
 * Merges manifests as Java's MergeAppend does when commit.manifest-merge.enabled (default true): data manifests
 * of one spec are packed, oldest first, into bins of commit.manifest.target-size-bytes (8 MiB); a bin of several
 * manifests becomes one manifest, except the bin holding the first (newest) manifest while it has fewer than
 * commit.manifest.min-count-to-merge (100). So a table keeps at most ~100 small manifests per snapshot.
 * `cache` keeps merged manifests across attempts (by the paths they merged) so a retry reuses them.
 */
export async function mergeManifests(
  base: TableMetadata,
  ctx: CommitContext,
  manifests: ManifestFile[],
  snapshotId: bigint,
  cache: Map<string, ManifestFile>,
): Promise<ManifestFile[]> {
  const props = base.properties;
  const first = manifests[0];
  if (!first || !boolProperty(props, MANIFEST_MERGE_ENABLED)) return manifests;
  const minCount = intProperty(props, MANIFEST_MIN_MERGE_COUNT);
  const target = intProperty(props, MANIFEST_TARGET_SIZE_BYTES);

  const groups = new Map<number, ManifestFile[]>();
  const out: ManifestFile[] = [];
  for (const m of manifests) {
    if (m.content !== ManifestContent.Data) continue;
    const g = groups.get(m.partition_spec_id);
    if (g) g.push(m);
    else groups.set(m.partition_spec_id, [m]);
  }
  for (const [specId, group] of groups) {
    for (const bin of packFromEnd(group, target)) {
      if (bin.length === 1 || (bin.includes(first) && bin.length < minCount)) {
        out.push(...bin);
        continue;
      }
      const key = bin.map((m) => m.manifest_path).join('\n');
      let merged = cache.get(key);
      if (!merged) {
        merged = await mergeBin(base, ctx, specId, bin, snapshotId);
        cache.set(key, merged);
      }
      out.push(merged);
    }
  }
  out.push(...manifests.filter((m) => m.content !== ManifestContent.Data));
  return out;
}

/** One manifest with the entries of `bin`: this snapshot's entries as they are, older live ones as EXISTING. */
async function mergeBin(
  base: TableMetadata,
  ctx: CommitContext,
  specId: number,
  bin: ManifestFile[],
  snapshotId: bigint,
): Promise<ManifestFile> {
  const entries: ManifestEntry[] = [];
  for (const m of bin) {
    const mine = m.added_snapshot_id === snapshotId;
    for (const e of await readEntries(ctx.io, m)) {
      if (mine) entries.push(e);
      else if (e.status !== EntryStatus.Deleted) entries.push({ ...e, status: EntryStatus.Existing });
    }
  }
  return writeManifestFile(base, ctx, specId, entries, snapshotId);
}

/** Java's ListPacker.packEnd with lookback 1: greedy bins by manifest_length, filled from the end of the list. */
function packFromEnd(items: ManifestFile[], target: number): ManifestFile[][] {
  const bins: ManifestFile[][] = [];
  let bin: ManifestFile[] = [];
  let size = 0;
  for (let i = items.length - 1; i >= 0; i--) {
    const m = items[i]!;
    if (bin.length > 0 && size + m.manifest_length > target) {
      bins.push(bin.reverse());
      bin = [];
      size = 0;
    }
    bin.push(m);
    size += m.manifest_length;
  }
  if (bin.length > 0) bins.push(bin.reverse());
  return bins.reverse();
}

export function currentSchema(m: TableMetadata): Schema {
  const s = m.schemas.find((x) => x['schema-id'] === m['current-schema-id']);
  if (!s) throw new Error(`table metadata at ${m.location}: current schema ${m['current-schema-id']} is missing`);
  return s;
}

export function specById(m: TableMetadata, specId: number): PartitionSpec {
  const spec = m['partition-specs'].find((s) => s['spec-id'] === specId);
  if (!spec) throw new Error(`table metadata at ${m.location}: partition spec ${specId} is missing`);
  return spec;
}

/**
 * Checks caller-given data files before anything is written: each error names the file and the field.
 * Paths must be unique, counts non-negative integers, and partition tuples must have exactly the spec's fields.
 */
export function checkDataFiles(
  table: LoadedTable,
  operation: string,
  files: readonly DataFile[],
  specId: number,
): void {
  const fail = (msg: string): never => {
    throw new ValidationError(table.identifier, operation, msg);
  };
  if (!Array.isArray(files)) fail('expected an array of data files');
  const spec = table.metadata['partition-specs'].find((s) => s['spec-id'] === specId);
  if (!spec) fail(`partition spec ${specId} does not exist`);
  const names = spec!.fields.map((f) => f.name);
  const seen = new Set<string>();
  for (const [i, f] of files.entries()) {
    const where = `data file ${i}${typeof f?.file_path === 'string' ? ` (${f.file_path})` : ''}`;
    if (typeof f?.file_path !== 'string' || f.file_path === '') fail(`${where}: file_path must be a non-empty string`);
    if (seen.has(f.file_path)) fail(`${where}: listed twice`);
    seen.add(f.file_path);
    if (!['PARQUET', 'AVRO', 'ORC'].includes(f.file_format))
      fail(`${where}: unknown file_format ${String(f.file_format)}`);
    for (const k of ['record_count', 'file_size_in_bytes'] as const) {
      if (!Number.isSafeInteger(f[k]) || f[k] < 0) fail(`${where}: ${k} must be a non-negative integer, got ${f[k]}`);
    }
    const keys = Object.keys(f.partition ?? {});
    if (keys.length !== names.length || keys.some((k) => !names.includes(k))) {
      fail(`${where}: partition has fields [${keys.join(', ')}] but spec ${specId} has [${names.join(', ')}]`);
    }
  }
}
