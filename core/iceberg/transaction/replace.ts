// Replace files (compaction), operation=replace: removes data files and adds files holding the same rows, in one
// snapshot. Mirrors append.ts; what differs is the validation and the rewritten manifests.
//
// Conflicts (format/spec.md "Commit Conflict Resolution and Retry"): a replace applies to a newer base only if
// every file it removes is still live there, so two compactions of the same files cannot both land; it also fails
// if a concurrent commit added delete files since the compaction was planned (the compacted rows were read without
// them, as Java's RewriteFiles validateNoNewDeletesForDataFiles guards). Concurrent appends never conflict.
//
// Manifests: each manifest holding a removed file is rewritten with that file DELETED and the rest EXISTING (and
// reused by a retry while the base still lists that manifest); the added files get one new manifest.
import type { LoadedTable } from '../catalog/catalog.js';
import type { DataFile, ManifestEntry, ManifestFile } from '../spec/manifest.js';
import { DataContent, ManifestContent } from '../spec/manifest.js';
import type { TableMetadata } from '../spec/table-metadata.js';
import { ValidationError } from './errors.js';
import { snapshotsSince } from './history.js';
import { addedEntry, checkDataFiles, readManifestFiles, rewriteWithout, writeManifestFile } from './manifests.js';
import type { CommitContext, Operation } from './operation.js';
import { newSnapshotId } from './snapshot-id.js';
import { checkSummaryProperties, currentSnapshot, produceSnapshot } from './snapshot-producer.js';

export interface ReplaceOptions {
  /**
   * Snapshot summary properties. As a function (as AppendOptions.summary) it is called on every commit attempt with
   * the base the snapshot is applied to, so values carried from the base (e.g. the `shoplake.*` offsets that
   * maintenance must keep on the snapshots it produces) stay current when a concurrent append lands first.
   */
  summary?: Record<string, string> | ((base: TableMetadata) => Record<string, string>);
  /** Spec the added files were partitioned with; the table's default spec if absent. */
  specId?: number;
  /**
   * Require the added files to hold exactly as many records as the removed ones (default true): a replace must
   * not change the table's data. Turn off only when the rewrite applied delete files.
   */
  requireSameRecordCount?: boolean;
}

export class ReplaceFilesOperation implements Operation {
  readonly name = 'replace files';
  private readonly snapshotId: bigint;
  private readonly specId: number;
  private readonly remove: ReadonlySet<string>;
  private readonly add: readonly DataFile[];
  private readonly startingSnapshotId: bigint | undefined;
  private written: ManifestFile | undefined;
  /** Rewritten manifests by the path of the manifest they replace. */
  private readonly rewritten = new Map<string, { manifest: ManifestFile; removed: ManifestEntry[] }>();

  constructor(
    table: LoadedTable,
    remove: readonly (DataFile | string)[],
    add: readonly DataFile[],
    private readonly options: ReplaceOptions = {},
  ) {
    const fail = (msg: string): never => {
      throw new ValidationError(table.identifier, this.name, msg);
    };
    const paths = remove.map((f) => (typeof f === 'string' ? f : f?.file_path));
    if (paths.length === 0) fail('no files to remove (use fastAppend to add files)');
    if (paths.some((p) => typeof p !== 'string' || p === '')) fail('every removed file needs a non-empty path');
    this.remove = new Set(paths);
    if (this.remove.size !== paths.length) fail('a removed file is listed twice');
    this.specId = options.specId ?? table.metadata['default-spec-id'];
    checkDataFiles(table, this.name, add, this.specId);
    if (add.some((f) => f.content !== DataContent.Data)) fail('only data files can be added (content 0)');
    for (const f of add) if (this.remove.has(f.file_path)) fail(`${f.file_path} is both removed and added`);
    if (typeof options.summary !== 'function') checkSummaryProperties(table.identifier, this.name, options.summary);
    this.add = [...add];
    this.startingSnapshotId = currentSnapshot(table.metadata)?.['snapshot-id'];
    this.snapshotId = newSnapshotId(table.metadata);
  }

  addedPaths(): string[] {
    return this.add.map((f) => f.file_path);
  }

  async apply(base: TableMetadata, ctx: CommitContext): Promise<TableMetadata> {
    const fail = (msg: string): never => {
      throw new ValidationError(ctx.table, this.name, msg);
    };
    const summary = this.options.summary;
    const properties = typeof summary === 'function' ? summary(base) : summary;
    if (typeof summary === 'function') checkSummaryProperties(ctx.table, this.name, properties);
    const parentManifests = await readManifestFiles(ctx.io, currentSnapshot(base));

    // Delete files committed since the replace was planned were not applied to the rows it rewrote.
    const since = snapshotsSince(ctx.table, this.name, base, this.startingSnapshotId, ctx.ownSnapshotIds);
    const newer = new Set(since.filter((s) => s.summary.operation !== 'replace').map((s) => s['snapshot-id']));
    if (
      parentManifests.some(
        (m) => m.content === ManifestContent.Deletes && m.added_files_count > 0 && newer.has(m.added_snapshot_id),
      )
    ) {
      fail('a concurrent commit added delete files since the files were read; re-plan the compaction');
    }

    const kept: ManifestFile[] = [];
    const rewritten: ManifestFile[] = [];
    const removed: DataFile[] = [];
    for (const m of parentManifests) {
      if (m.content !== ManifestContent.Data) {
        kept.push(m);
        continue;
      }
      let r = this.rewritten.get(m.manifest_path);
      if (!r) {
        r = await rewriteWithout(base, ctx, m, this.remove, this.snapshotId);
        if (r) this.rewritten.set(m.manifest_path, r);
      }
      if (!r) {
        kept.push(m);
        continue;
      }
      rewritten.push(r.manifest);
      for (const e of r.removed) removed.push(e.data_file);
    }

    const found = new Set(removed.map((f) => f.file_path));
    const missing = [...this.remove].filter((p) => !found.has(p));
    if (missing.length > 0) {
      fail(
        `${missing.length} file(s) to remove are not in the table (removed by a concurrent commit, or never ` +
          `added): ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
      );
    }
    if (this.options.requireSameRecordCount !== false) {
      const before = removed.reduce((n, f) => n + f.record_count, 0);
      const after = this.add.reduce((n, f) => n + f.record_count, 0);
      if (before !== after) fail(`the removed files hold ${before} records but the added files ${after}`);
    }

    const added = this.add.length > 0 ? [await this.addedManifest(base, ctx)] : [];
    return produceSnapshot(base, ctx, {
      snapshotId: this.snapshotId,
      operation: 'replace',
      manifests: [...added, ...rewritten, ...kept],
      added: this.add,
      removed,
      properties,
    });
  }

  private async addedManifest(base: TableMetadata, ctx: CommitContext): Promise<ManifestFile> {
    if (this.written) return this.written;
    const entries = this.add.map((f) => addedEntry(f, this.snapshotId));
    this.written = await writeManifestFile(base, ctx, this.specId, entries, this.snapshotId);
    return this.written;
  }
}
