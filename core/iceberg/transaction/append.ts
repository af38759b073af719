// Append (the template the other operation files mirror): adds data files in a new snapshot, operation=append.
//
// A fast append writes one new manifest for the added files; the new manifest list is that manifest plus the
// parent's manifests, untouched. Once the list would pass commit.manifest.min-count-to-merge (default 100) and
// commit.manifest-merge.enabled is on (default), the manifests are merged into one, as Java's MergeAppend does,
// so planning a scan never reads an unbounded number of manifests.
//
// Conflicts: none. An append applies to any base (format/spec.md "Commit Conflict Resolution and Retry"), so a
// retry only re-lists the manifests. The manifest of the added files is written once and reused by every attempt;
// a merged manifest is reused while the manifests it merged are still the ones to merge.
import type { LoadedTable } from '../catalog/catalog.js';
import type { DataFile, ManifestFile } from '../spec/manifest.js';
import { DataContent } from '../spec/manifest.js';
import type { TableMetadata } from '../spec/table-metadata.js';
import { ValidationError } from './errors.js';
import { addedEntry, checkDataFiles, mergeManifests, readManifestFiles, writeManifestFile } from './manifests.js';
import type { CommitContext, Operation } from './operation.js';
import { newSnapshotId } from './snapshot-id.js';
import { checkSummaryProperties, currentSnapshot, produceSnapshot } from './snapshot-producer.js';

export interface AppendOptions {
  /**
   * Snapshot summary properties, e.g. `shoplake.offsets.<topic>.<partition>` = last committed offset. As a
   * function it is called on every commit attempt with the base the snapshot is applied to (the newest table
   * metadata), so values merged from the base (offsets other writers committed) stay current; throwing from it
   * aborts the commit (e.g. when another writer already committed the same offsets).
   */
  summary?: Record<string, string> | ((base: TableMetadata) => Record<string, string>);
  /** Spec the files were partitioned with; the table's default spec if absent. */
  specId?: number;
}

export class AppendOperation implements Operation {
  readonly name = 'append';
  private readonly snapshotId: bigint;
  /** Resolved when staged: the files were partitioned with the spec that was current then. */
  private readonly specId: number;
  private readonly files: readonly DataFile[];
  /** The manifest of the added files, once written. */
  private written: ManifestFile | undefined;
  /** Merged manifests written by earlier attempts, by the paths they merged. */
  private readonly merged = new Map<string, ManifestFile>();

  constructor(
    table: LoadedTable,
    files: readonly DataFile[],
    private readonly options: AppendOptions = {},
  ) {
    this.specId = options.specId ?? table.metadata['default-spec-id'];
    checkDataFiles(table, this.name, files, this.specId);
    if (files.some((f) => f.content !== DataContent.Data)) {
      throw new ValidationError(table.identifier, this.name, 'only data files can be appended (content 0)');
    }
    if (typeof options.summary !== 'function') checkSummaryProperties(table.identifier, this.name, options.summary);
    this.files = [...files];
    this.snapshotId = newSnapshotId(table.metadata);
  }

  /** Paths of the caller's files (deleted on failure only when the transaction is asked to). */
  addedPaths(): string[] {
    return this.files.map((f) => f.file_path);
  }

  async apply(base: TableMetadata, ctx: CommitContext): Promise<TableMetadata> {
    const summary = this.options.summary;
    const properties = typeof summary === 'function' ? summary(base) : summary;
    if (typeof summary === 'function') checkSummaryProperties(ctx.table, this.name, properties);
    const parentManifests = await readManifestFiles(ctx.io, currentSnapshot(base));
    const added = await this.addedManifest(base, ctx);
    const manifests = await mergeManifests(base, ctx, [added, ...parentManifests], this.snapshotId, this.merged);
    return produceSnapshot(base, ctx, {
      snapshotId: this.snapshotId,
      operation: 'append',
      manifests,
      added: this.files,
      removed: [],
      properties,
    });
  }

  private async addedManifest(base: TableMetadata, ctx: CommitContext): Promise<ManifestFile> {
    if (this.written) return this.written;
    const entries = this.files.map((f) => addedEntry(f, this.snapshotId));
    this.written = await writeManifestFile(base, ctx, this.specId, entries, this.snapshotId);
    return this.written;
  }
}
