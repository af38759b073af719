// Overwrite by filter, copy-on-write (GDPR erasure, retention deletes): every live data file that may hold rows
// matching the filter is read (with the delete files that apply to it); a file with no matching row stays; a
// file with matching rows is removed, and its surviving rows, if any, are written to a new data file with the
// same partition through parquet/. One snapshot: operation=delete when nothing was rewritten, overwrite otherwise.
// Mirrors append.ts; what differs is the planning, the rewrite and the validation.
//
// Conflicts (Java's OverwriteFiles with a conflict-detection filter, serializable isolation):
// - a file the overwrite removes is gone (a concurrent compaction or delete took it): fails;
// - a concurrent commit added delete files since the files were read (their rows were read without them): fails;
// - a concurrent append added files that may hold matching rows: fails by default, as Java does; with
//   `concurrentAppends: 'rewrite'` those files are rewritten as well, so the commit deletes the rows appended
//   while it ran (the outcome of running the overwrite after that append). Other concurrent appends never conflict.
import { randomUUID } from 'node:crypto';
import type { LoadedTable } from '../catalog/catalog.js';
import { DataFileWriter } from '../parquet/data-file-writer.js';
import { codecFromProperty } from '../parquet/compression.js';
import { metricsConfigFromProperties } from '../parquet/metrics.js';
import { bindFilter, evalRow } from '../scan/expression.js';
import type { BoundFilter, Filter } from '../scan/expression.js';
import { Pruner, planFiles } from '../scan/plan-files.js';
import type { FileScanTask } from '../scan/plan-files.js';
import { DeleteCache, readTaskRows } from '../scan/read-rows.js';
import type { DataFile, ManifestEntry, ManifestFile } from '../spec/manifest.js';
import { EntryStatus, ManifestContent } from '../spec/manifest.js';
import type { TableMetadata } from '../spec/table-metadata.js';
import { locationProvider } from '../spec/location-provider.js';
import { partitionToPath } from '../spec/transform.js';
import type { Schema } from '../spec/types.js';
import { ValidationError } from './errors.js';
import { snapshotsSince } from './history.js';
import {
  addedEntry,
  currentSchema,
  readEntries,
  readManifestFiles,
  rewriteWithout,
  specById,
  writeManifestFile,
} from './manifests.js';
import type { CommitContext, Operation } from './operation.js';
import { newSnapshotId } from './snapshot-id.js';
import { checkSummaryProperties, currentSnapshot, produceSnapshot } from './snapshot-producer.js';

export interface OverwriteOptions {
  /** Rows matching this filter are deleted (see scan/expression.ts: eq, lt, isIn, and, or, …). */
  filter: Filter;
  summary?: Record<string, string>;
  /** What a concurrent append of files that may hold matching rows does: 'fail' (default) or 'rewrite'. */
  concurrentAppends?: 'fail' | 'rewrite';
}

export class OverwriteOperation implements Operation {
  readonly name = 'overwrite by filter';
  private readonly snapshotId: bigint;
  private readonly rewriteId = randomUUID();
  private fileCounter = 0;
  /** Undefined until the first attempt has read and rewritten the matching files. */
  private checkedUpTo: { snapshotId: bigint | undefined } | undefined;
  private readonly removed = new Map<string, DataFile>();
  private readonly added: DataFile[] = [];
  /** Spec id of each added file (its source file's spec, which may be older than the default). */
  private readonly addedSpec = new Map<string, number>();
  private readonly rewritten = new Map<string, { manifest: ManifestFile; removed: ManifestEntry[] } | undefined>();
  private addedManifests: { manifests: ManifestFile[]; count: number } | undefined;

  constructor(
    private readonly table: LoadedTable,
    private readonly options: OverwriteOptions,
  ) {
    try {
      bindFilter(options.filter, currentSchema(table.metadata));
    } catch (e) {
      throw new ValidationError(table.identifier, this.name, (e as Error).message);
    }
    if (options.concurrentAppends !== undefined && !['fail', 'rewrite'].includes(options.concurrentAppends)) {
      throw new ValidationError(table.identifier, this.name, `concurrentAppends must be 'fail' or 'rewrite'`);
    }
    checkSummaryProperties(table.identifier, this.name, options.summary);
    this.snapshotId = newSnapshotId(table.metadata);
  }

  async apply(base: TableMetadata, ctx: CommitContext): Promise<TableMetadata> {
    const schema = currentSchema(base);
    let filter: BoundFilter;
    try {
      filter = bindFilter(this.options.filter, schema);
    } catch (e) {
      throw new ValidationError(ctx.table, this.name, `the filter no longer fits the schema: ${(e as Error).message}`);
    }
    const current = currentSnapshot(base);
    if (!this.checkedUpTo) {
      const plan = await planFiles({ ...this.table, metadata: base }, { filter: this.options.filter });
      await this.rewrite(base, ctx, plan.tasks, schema, filter);
    } else {
      await this.validateConcurrentChanges(base, ctx, schema, filter);
    }
    this.checkedUpTo = { snapshotId: current?.['snapshot-id'] };
    if (this.removed.size === 0) return base; // nothing matched: no snapshot

    const removedEntries: DataFile[] = [];
    const manifests: ManifestFile[] = [];
    for (const m of await readManifestFiles(ctx.io, current)) {
      const r = m.content === ManifestContent.Data ? await this.rewriteManifest(base, ctx, m) : undefined;
      manifests.push(r ? r.manifest : m);
      for (const e of r?.removed ?? []) removedEntries.push(e.data_file);
    }
    const found = new Set(removedEntries.map((f) => f.file_path));
    const missing = [...this.removed.keys()].filter((p) => !found.has(p));
    if (missing.length > 0) {
      throw new ValidationError(
        ctx.table,
        this.name,
        `${missing.length} file(s) it rewrites were removed by a concurrent commit: ${missing.slice(0, 5).join(', ')}`,
      );
    }
    if (this.added.length > 0) manifests.unshift(...(await this.manifestsOfAdded(base, ctx)));
    return produceSnapshot(base, ctx, {
      snapshotId: this.snapshotId,
      operation: this.added.length > 0 ? 'overwrite' : 'delete',
      manifests,
      added: this.added,
      removed: removedEntries,
      properties: this.options.summary,
    });
  }

  /** Reads each task's rows; removes files with matching rows and writes their survivors to new files. */
  private async rewrite(
    base: TableMetadata,
    ctx: CommitContext,
    tasks: FileScanTask[],
    schema: Schema,
    filter: BoundFilter,
  ): Promise<void> {
    const deletes = new DeleteCache(ctx.io, base);
    const locations = locationProvider(base);
    for (const task of tasks) {
      const rows = await readTaskRows(ctx.io, task, schema, {}, deletes);
      const survivors = rows.filter((r) => !evalRow(filter, r));
      // A file whose delete files already removed rows is rewritten only if the filter matches one of its rows.
      if (survivors.length === rows.length) continue;
      this.removed.set(task.file.file_path, task.file);
      if (survivors.length === 0) continue;
      const spec = specById(base, task.specId);
      const partitionPath = spec.fields.length > 0 ? partitionToPath(spec, schema, task.file.partition) : '';
      const name = `${this.rewriteId}-${String(this.fileCounter++).padStart(5, '0')}.parquet`;
      const location = locations.newDataLocation(name, partitionPath);
      ctx.files.wroteData(location);
      const writer = await DataFileWriter.open({
        io: ctx.io,
        schema,
        location,
        partition: task.file.partition,
        codec: codecFromProperty(base.properties?.['write.parquet.compression-codec']),
        metrics: metricsConfigFromProperties(base.properties, schema),
      });
      for (const row of survivors) writer.write(row);
      for (const f of await writer.close()) {
        this.added.push(f);
        this.addedSpec.set(f.file_path, task.specId);
      }
    }
  }

  /** Since the last attempt: new delete files conflict; new data files that may match fail or get rewritten. */
  private async validateConcurrentChanges(
    base: TableMetadata,
    ctx: CommitContext,
    schema: Schema,
    filter: BoundFilter,
  ): Promise<void> {
    const since = snapshotsSince(ctx.table, this.name, base, this.checkedUpTo!.snapshotId, ctx.ownSnapshotIds);
    const pruner = new Pruner(base, schema, filter);
    const candidates: FileScanTask[] = [];
    const addedBy = new Set<bigint>();
    // As Java: only appends and overwrites add data, and only overwrites and deletes add delete files; a replace
    // (compaction) adds no rows, and a file it removed shows up below as missing.
    for (const s of since.filter((x) => x.summary.operation !== 'replace')) {
      for (const m of await readManifestFiles(ctx.io, s)) {
        if (m.added_snapshot_id !== s['snapshot-id'] || m.added_files_count === 0) continue;
        if (m.content === ManifestContent.Deletes) {
          throw new ValidationError(
            ctx.table,
            this.name,
            `concurrent snapshot ${s['snapshot-id']} added delete files after the rows were read; retry the overwrite`,
          );
        }
        for (const e of await readEntries(ctx.io, m)) {
          if (e.status !== EntryStatus.Added || e.snapshot_id !== s['snapshot-id']) continue;
          if (!pruner.fileMightMatch(m.partition_spec_id, e.data_file)) continue;
          addedBy.add(s['snapshot-id']);
          candidates.push({
            file: e.data_file,
            specId: m.partition_spec_id,
            sequenceNumber: e.sequence_number ?? s['sequence-number'],
            deletes: [], // newer than every delete file the table had (newer ones fail above)
          });
        }
      }
    }
    if (candidates.length === 0) return;
    if (this.options.concurrentAppends !== 'rewrite') {
      throw new ValidationError(
        ctx.table,
        this.name,
        `${candidates.length} file(s) added by snapshot(s) ${[...addedBy].join(', ')} (e.g. ` +
          `${candidates[0]!.file.file_path}) may hold rows matching the filter (appended concurrently); retry the ` +
          `overwrite, or pass concurrentAppends: 'rewrite'`,
      );
    }
    await this.rewrite(base, ctx, candidates, schema, filter);
  }

  /** The manifest with the removed files marked DELETED; reused while the set of removed files is unchanged. */
  private async rewriteManifest(
    base: TableMetadata,
    ctx: CommitContext,
    m: ManifestFile,
  ): Promise<{ manifest: ManifestFile; removed: ManifestEntry[] } | undefined> {
    const key = `${m.manifest_path}\n${this.removed.size}`;
    if (!this.rewritten.has(key)) {
      this.rewritten.set(key, await rewriteWithout(base, ctx, m, new Set(this.removed.keys()), this.snapshotId));
    }
    return this.rewritten.get(key);
  }

  /** One manifest per spec for the rewritten files; reused while no file was added since. */
  private async manifestsOfAdded(base: TableMetadata, ctx: CommitContext): Promise<ManifestFile[]> {
    if (this.addedManifests?.count === this.added.length) return this.addedManifests.manifests;
    const bySpec = new Map<number, ManifestEntry[]>();
    for (const f of this.added) {
      const specId = this.addedSpec.get(f.file_path)!;
      const entry = addedEntry(f, this.snapshotId);
      bySpec.set(specId, [...(bySpec.get(specId) ?? []), entry]);
    }
    const manifests: ManifestFile[] = [];
    for (const [specId, entries] of bySpec) {
      manifests.push(await writeManifestFile(base, ctx, specId, entries, this.snapshotId));
    }
    this.addedManifests = { manifests, count: this.added.length };
    return manifests;
  }
}
