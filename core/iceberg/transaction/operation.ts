// The contract between Transaction and its operations (append.ts, replace.ts, overwrite.ts, update-schema.ts,
// set-properties.ts, expire.ts), and the bookkeeping of the files a commit writes.
import type { FileIO } from '../io/file-io.js';
import type { LoadedTable, TableIdentifier } from '../catalog/catalog.js';
import type { TableMetadata } from '../spec/table-metadata.js';
import { metadataFolder } from '../spec/table-properties.js';

/**
 * One staged change. `apply` is called once per commit attempt, each time on the newest base (the table as the
 * catalog now has it, plus the transaction's earlier operations): it validates that the change still applies
 * (throwing ValidationError if not) and returns the metadata after it. It may write manifests and manifest
 * lists through `ctx`, and should reuse what it wrote in an earlier attempt when that is still valid.
 */
export interface Operation {
  /** Used in errors: 'append', 'replace files', … */
  readonly name: string;
  apply(base: TableMetadata, ctx: CommitContext): Promise<TableMetadata>;
  /** Runs once after a successful commit (expire deletes unreferenced files here). Must not throw: the commit happened. */
  afterCommit?(committed: LoadedTable, ctx: CommitContext): Promise<void>;
}

/** What an operation gets from the transaction for one attempt. */
export interface CommitContext {
  readonly table: TableIdentifier;
  readonly io: FileIO;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Every file the transaction writes goes through here, so that a failed commit can remove it. */
  readonly files: WrittenFiles;
  /** Snapshot ids created by this transaction (validation skips them when looking for concurrent changes). */
  readonly ownSnapshotIds: Set<bigint>;
  /** `<table location>/metadata/<commit uuid>-m<n>.avro`, as Java names manifests. */
  newManifestLocation(metadata: TableMetadata): string;
  /** `<table location>/metadata/snap-<id>-<attempt>-<commit uuid>.avro`, as Java names manifest lists. */
  manifestListLocation(metadata: TableMetadata, snapshotId: bigint): string;
  /** Commit time in ms (never before the base's last-updated-ms, so that the snapshot log stays ordered). */
  now(base: TableMetadata): number;
}

/**
 * Files written by a transaction. Metadata files (manifests, manifest lists) that the final attempt's snapshots do
 * not reference are deleted after a successful commit; on a failed commit every metadata file goes, and so do data
 * files the transaction wrote itself (overwrite's rewritten files), never the caller's data files unless asked.
 */
export class WrittenFiles {
  private readonly metadata = new Set<string>();
  private readonly data = new Set<string>();
  private used = new Set<string>();

  startAttempt(): void {
    this.used = new Set();
  }

  /** A manifest or manifest list was written. */
  wroteMetadata(location: string): void {
    this.metadata.add(location);
  }

  /** A data file the transaction wrote itself (not the caller's). */
  wroteData(location: string): void {
    this.data.add(location);
  }

  /** The current attempt's metadata references this file (called for every manifest list and manifest in it). */
  use(location: string): void {
    this.used.add(location);
  }

  /** Metadata files written by this or earlier attempts that the current attempt does not reference. */
  unusedMetadata(): string[] {
    return [...this.metadata].filter((l) => !this.used.has(l));
  }

  /** Everything to remove after a definite failure. */
  all(): string[] {
    return [...this.metadata, ...this.data];
  }
}

/**
 * A new metadata file of the table (manifest, manifest list): `<metadata folder>/<name>`, honouring
 * write.metadata.path (spec/table-properties.ts), for local paths and URIs alike. Data files go where the table's
 * location provider puts them (spec/location-provider.ts).
 */
export function metadataFile(metadata: TableMetadata, name: string): string {
  return `${metadataFolder(metadata)}/${name}`;
}
