// Transaction: stages operations against a LoadedTable and commits them as one atomic metadata swap through
// Catalog.commitTable, with optimistic concurrency (format/spec.md "Optimistic Concurrency" and "Commit Conflict
// Resolution and Retry"): on CommitConflictError it reloads the table, re-applies every operation to the new
// base (each one re-validates: an append never conflicts, a replace conflicts if a file it removes is gone, …)
// and retries with bounded exponential backoff (commit.retry.* table properties, Java's defaults).
//
//   const tx = new Transaction(catalog, table);
//   tx.fastAppend(dataFiles, { summary: { 'shoplake.offsets.orders.0': '1234' } });
//   table = await tx.commit();
//
// A failed commit leaves the table exactly as it was and deletes the manifests and manifest lists it wrote.
// shoplake writes format-version 2 only: a commit to a v1 table is refused (nothing written) unless the
// transaction upgrades it with setProperties({ 'format-version': '2' }), as Java keeps a table's version unless asked.
import { randomUUID } from 'node:crypto';
import { CommitConflictError } from '../catalog/catalog.js';
import type { Catalog, LoadedTable, TableIdentifier } from '../catalog/catalog.js';
import { deleteQuietly } from '../catalog/metadata-file.js';
import type { DataFile } from '../spec/manifest.js';
import type { TableMetadata } from '../spec/table-metadata.js';
import { metadataCodec } from '../spec/table-properties.js';
import { AppendOperation } from './append.js';
import type { AppendOptions } from './append.js';
import { CommitFailedError, CommitStateUnknownError, ValidationError, tableName } from './errors.js';
import { ExpireSnapshotsOperation } from './expire.js';
import type { ExpireOptions, ExpireResult } from './expire.js';
import { WrittenFiles, metadataFile } from './operation.js';
import type { CommitContext, Operation } from './operation.js';
import { OverwriteOperation } from './overwrite.js';
import type { OverwriteOptions } from './overwrite.js';
import { ReplaceFilesOperation } from './replace.js';
import type { ReplaceOptions } from './replace.js';
import { backoffMs, retryPolicy } from './retry.js';
import { SetPropertiesOperation, WRITTEN_FORMAT_VERSION } from './set-properties.js';
import { UpdateSchemaOperation } from './update-schema.js';
import type { SchemaChange } from './update-schema.js';

export interface TransactionOptions {
  /**
   * On a definite failure, also delete the data files that fastAppend / replaceFiles were given. Off by default:
   * the caller owns those files (the ingest path may retry the same files in a new transaction).
   */
  deleteAddedFilesOnFailure?: boolean;
}

export class Transaction {
  private readonly ops: Operation[] = [];
  private readonly files = new WrittenFiles();
  private readonly ownSnapshotIds = new Set<bigint>();
  private readonly commitUuid = randomUUID();
  private manifestCounter = 0;
  private state: 'open' | 'committing' | 'done' = 'open';
  private expireOp: ExpireSnapshotsOperation | undefined;
  private schemaOp: UpdateSchemaOperation | undefined;
  /** Attempts the commit took (1 when nobody raced it). */
  attempts = 0;

  constructor(
    readonly catalog: Catalog,
    readonly table: LoadedTable,
    private readonly options: TransactionOptions = {},
  ) {}

  /** Adds data files in a new snapshot (operation=append); see append.ts. */
  fastAppend(files: DataFile[], options: AppendOptions = {}): this {
    return this.stage(new AppendOperation(this.table, files, options));
  }

  /** Replaces data files by others holding the same rows (compaction, operation=replace); see replace.ts. */
  replaceFiles(remove: readonly (DataFile | string)[], add: DataFile[], options: ReplaceOptions = {}): this {
    return this.stage(new ReplaceFilesOperation(this.table, remove, add, options));
  }

  /** Copy-on-write delete of the rows matching a filter (operation=overwrite or delete); see overwrite.ts. */
  overwriteByFilter(options: OverwriteOptions): this {
    return this.stage(new OverwriteOperation(this.table, options));
  }

  /** Adds optional columns and widens types (one new schema becomes current); see update-schema.ts. */
  updateSchema(changes: SchemaChange[]): this {
    if (this.schemaOp) {
      this.schemaOp.add(changes);
      return this;
    }
    this.schemaOp = new UpdateSchemaOperation(this.table, changes);
    return this.stage(this.schemaOp);
  }

  /** Sets and removes table properties; see set-properties.ts. */
  setProperties(set: Record<string, string>, remove: string[] = []): this {
    return this.stage(new SetPropertiesOperation(this.table, set, remove));
  }

  /** Expires old snapshots and, after the commit, deletes the files only they referenced; see expire.ts. */
  expireSnapshots(options: ExpireOptions = {}): this {
    if (this.expireOp) throw new Error(`transaction on ${tableName(this.table.identifier)}: expire staged twice`);
    this.expireOp = new ExpireSnapshotsOperation(this.table, options);
    return this.stage(this.expireOp);
  }

  /** What expireSnapshots removed, once commit() has returned. */
  get expired(): ExpireResult | undefined {
    return this.expireOp?.result;
  }

  /** Snapshot ids this transaction created, in order (valid once commit() has returned). */
  get snapshotIds(): bigint[] {
    return [...this.ownSnapshotIds];
  }

  /** Commits every staged operation atomically and returns the table as committed. Single use. */
  async commit(): Promise<LoadedTable> {
    this.checkOpen();
    this.state = 'committing';
    try {
      if (this.ops.length === 0) return this.table;
      return await this.commitWithRetry();
    } finally {
      this.state = 'done';
    }
  }

  private stage(op: Operation): this {
    this.checkOpen();
    this.ops.push(op);
    return this;
  }

  private checkOpen(): void {
    if (this.state !== 'open') {
      throw new Error(`transaction on ${tableName(this.table.identifier)} was already committed`);
    }
  }

  private async commitWithRetry(): Promise<LoadedTable> {
    const id = this.table.identifier;
    const policy = retryPolicy(this.table.metadata.properties);
    const started = Date.now();
    let base = this.table;
    for (let attempt = 1; ; attempt++) {
      this.attempts = attempt;
      const ctx = this.context(attempt);
      let next: TableMetadata;
      try {
        this.checkFormatVersion(base);
        this.files.startAttempt();
        this.ownSnapshotIds.clear();
        next = base.metadata;
        for (const op of this.ops) next = await op.apply(next, ctx);
        this.checkMetadataCodec(id, next);
      } catch (e) {
        await this.cleanUpFailure();
        throw e;
      }

      if (next === base.metadata) {
        // Every operation was a no-op (nothing matched a filter, nothing old enough to expire): nothing to commit.
        await deleteQuietly(this.table.io, this.files.unusedMetadata());
        for (const op of this.ops) await op.afterCommit?.(base, ctx);
        return base;
      }

      let committed: LoadedTable;
      try {
        committed = await this.catalog.commitTable(base, next);
      } catch (e) {
        if (!(e instanceof CommitConflictError)) return this.checkUnknownState(e);
        if (attempt > policy.numRetries || Date.now() - started >= policy.totalTimeoutMs) {
          await this.cleanUpFailure();
          throw new CommitFailedError(id, attempt, { cause: e });
        }
        await sleep(backoffMs(policy, attempt));
        try {
          base = await this.catalog.loadTable(id);
        } catch (loadError) {
          await this.cleanUpFailure();
          throw loadError;
        }
        if (base.metadata['table-uuid'] !== this.table.metadata['table-uuid']) {
          await this.cleanUpFailure();
          throw new ValidationError(id, 'commit', 'the table was dropped and re-created concurrently (new table-uuid)');
        }
        continue;
      }

      await deleteQuietly(this.table.io, this.files.unusedMetadata());
      for (const op of this.ops) await op.afterCommit?.(committed, ctx);
      return committed;
    }
  }

  /**
   * An unknown write.metadata.compression-codec (set by another tool) would make the catalog refuse to write the
   * new metadata file: refused here as a ValidationError, so it is not reported as an unknown commit state.
   */
  private checkMetadataCodec(id: TableIdentifier, next: TableMetadata): void {
    try {
      metadataCodec(next.properties);
    } catch (e) {
      throw new ValidationError(id, 'commit', (e as Error).message);
    }
  }

  /** Refuses to write to a table of another format version unless this transaction upgrades it. */
  private checkFormatVersion(base: LoadedTable): void {
    const version = base.metadata['format-version'];
    if (version === WRITTEN_FORMAT_VERSION) return;
    const upgrade = this.ops.some(
      (op) => op instanceof SetPropertiesOperation && op.formatVersion === WRITTEN_FORMAT_VERSION,
    );
    if (upgrade) return;
    throw new ValidationError(
      base.identifier,
      'commit',
      `it is a format-version ${version} table (${base.metadataLocation}) and shoplake writes format-version ` +
        `${WRITTEN_FORMAT_VERSION} only; it will not upgrade the table silently. Upgrade it explicitly (v1 readers ` +
        `can no longer read it afterwards): new Transaction(catalog, table).setProperties({ 'format-version': ` +
        `'${WRITTEN_FORMAT_VERSION}' }).commit(), or ALTER TABLE … SET TBLPROPERTIES ('format-version'='2') in Spark`,
    );
  }

  /**
   * The catalog failed without saying "conflict": the new metadata may or may not be current. If the reloaded
   * table has this attempt's snapshots the commit landed; otherwise the state stays unknown and nothing is deleted.
   */
  private async checkUnknownState(error: unknown): Promise<LoadedTable> {
    const ids = [...this.ownSnapshotIds];
    if (ids.length > 0) {
      const reloaded = await this.catalog.loadTable(this.table.identifier).catch(() => undefined);
      const have = new Set(reloaded?.metadata.snapshots?.map((s) => s['snapshot-id']));
      if (reloaded && ids.every((s) => have.has(s))) {
        await deleteQuietly(this.table.io, this.files.unusedMetadata());
        for (const op of this.ops) await op.afterCommit?.(reloaded, this.context(this.attempts));
        return reloaded;
      }
    }
    // The catalog's own unknown-state error already names the table and its metadata file: pass it on as is.
    if (error instanceof CommitStateUnknownError) throw error;
    throw new CommitStateUnknownError(this.table.identifier, undefined, { cause: error });
  }

  private async cleanUpFailure(): Promise<void> {
    const extra = this.options.deleteAddedFilesOnFailure
      ? this.ops.flatMap((op) =>
          op instanceof AppendOperation || op instanceof ReplaceFilesOperation ? op.addedPaths() : [],
        )
      : [];
    await deleteQuietly(this.table.io, [...this.files.all(), ...extra]);
  }

  private context(attempt: number): CommitContext {
    return {
      table: this.table.identifier,
      io: this.table.io,
      attempt,
      files: this.files,
      ownSnapshotIds: this.ownSnapshotIds,
      newManifestLocation: (m) => metadataFile(m, `${this.commitUuid}-m${this.manifestCounter++}.avro`),
      manifestListLocation: (m, snapshotId) => metadataFile(m, `snap-${snapshotId}-${attempt}-${this.commitUuid}.avro`),
      now: (m) => Math.max(Date.now(), m['last-updated-ms']),
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
