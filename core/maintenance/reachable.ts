// Every file a table's metadata references, as Iceberg Java's DeleteOrphanFiles counts them ("valid files"): the
// current metadata file and those in its metadata-log, the Hadoop layout's version-hint.text, statistics files,
// and for EVERY snapshot kept in the metadata its manifest list, its manifests and every file any manifest entry
// names (ADDED, EXISTING and DELETED alike: a file named anywhere is never an orphan). Locations are normalized
// (file: URIs to paths, s3a/s3n to s3) so that a listing and the metadata compare equal.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifestList } from '../iceberg/avro/manifest-list-reader.js';
import { readManifest } from '../iceberg/avro/manifest-reader.js';
import type { LoadedTable } from '../iceberg/catalog/catalog.js';
import { EntryStatus } from '../iceberg/spec/manifest.js';

export interface ReachableFiles {
  /** Every referenced location, normalized. */
  all: Set<string>;
  /** Manifest lists, manifests and live content files (data and delete files), normalized: what storage must hold. */
  content: Set<string>;
  snapshots: number;
  manifests: number;
}

/** The form locations are compared in. */
export function normalizeLocation(location: string): string {
  if (location.startsWith('file:')) {
    return fileURLToPath(location.startsWith('file://') ? location : `file://${location.slice(5)}`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return location.replace(/^s3[an]:\/\//, 's3://');
  return path.resolve(location);
}

export async function reachableFiles(table: LoadedTable): Promise<ReachableFiles> {
  const m = table.metadata;
  const all = new Set<string>();
  const content = new Set<string>();
  const add = (l: string, isContent = false): void => {
    const n = normalizeLocation(l);
    all.add(n);
    if (isContent) content.add(n);
  };
  add(table.metadataLocation);
  for (const e of m['metadata-log'] ?? []) add(e['metadata-file']);
  add(`${m.location.replace(/\/+$/, '')}/metadata/version-hint.text`);
  for (const st of [...(m.statistics ?? []), ...(m['partition-statistics'] ?? [])]) {
    const p = (st as { 'statistics-path'?: unknown })['statistics-path'];
    if (typeof p === 'string') add(p);
  }
  const seenManifests = new Set<string>();
  const snapshots = m.snapshots ?? [];
  for (const s of snapshots) {
    add(s['manifest-list'], true);
    for (const mf of await readManifestList(table.io, s['manifest-list'])) {
      if (seenManifests.has(mf.manifest_path)) continue;
      seenManifests.add(mf.manifest_path);
      add(mf.manifest_path, true);
      for (const e of await readManifest(table.io, mf.manifest_path)) {
        // A DELETED entry names a file an earlier snapshot had; expiry may have removed it from storage already.
        add(e.data_file.file_path, e.status !== EntryStatus.Deleted);
      }
    }
  }
  return { all, content, snapshots: snapshots.length, manifests: seenManifests.size };
}
