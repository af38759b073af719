// The scan's one doorway to the manifest readers of avro/: the live entries of a snapshot's manifests with
// inherited snapshot ids and sequence numbers filled in (format/spec.md "Sequence Number Inheritance").
import type { FileIO } from '../io/file-io.js';
import { readManifest } from '../avro/manifest-reader.js';
import { readManifestList } from '../avro/manifest-list-reader.js';
import { EntryStatus } from '../spec/manifest.js';
import type { ManifestEntry, ManifestFile } from '../spec/manifest.js';
import type { Snapshot } from '../spec/table-metadata.js';

export interface LiveEntry {
  entry: ManifestEntry;
  manifest: ManifestFile;
  snapshotId: bigint;
  /** The data sequence number (inherited when the entry has none). */
  sequenceNumber: number;
}

export async function snapshotManifests(io: FileIO, snapshot: Snapshot): Promise<ManifestFile[]> {
  return readManifestList(io, snapshot['manifest-list']);
}

/** Entries of one manifest, inheritance applied; `statuses` picks which (live = ADDED and EXISTING by default). */
export async function manifestEntries(
  io: FileIO,
  manifest: ManifestFile,
  statuses: ReadonlySet<EntryStatus> = LIVE,
): Promise<LiveEntry[]> {
  const entries = await readManifest(io, manifest.manifest_path, manifest);
  const out: LiveEntry[] = [];
  for (const entry of entries) {
    if (!statuses.has(entry.status)) continue;
    const snapshotId = entry.snapshot_id ?? manifest.added_snapshot_id;
    // Only ADDED entries may inherit; an EXISTING entry without a sequence number is invalid metadata.
    const sequenceNumber =
      entry.sequence_number ?? (entry.status === EntryStatus.Added ? manifest.sequence_number : undefined);
    if (sequenceNumber === undefined) {
      throw new Error(
        `${manifest.manifest_path}: entry for ${entry.data_file.file_path} has status ${entry.status} and no sequence number`,
      );
    }
    out.push({ entry, manifest, snapshotId, sequenceNumber });
  }
  return out;
}

export const LIVE: ReadonlySet<EntryStatus> = new Set([EntryStatus.Added, EntryStatus.Existing]);
export const ADDED: ReadonlySet<EntryStatus> = new Set([EntryStatus.Added]);
