// RollingDataFileWriter: rows -> as many Parquet data files as it takes, each closed once its encoded size
// reaches `targetFileBytes` (Iceberg's write.target-file-size-bytes, default 512 MiB), all in one directory
// (one partition). Mirrors DataFileWriter: open(), write(row), close() -> DataFile[].
import { randomUUID } from 'node:crypto';
import type { DataFile, PartitionValues } from '../spec/manifest.js';
import type { Compression } from './compression.js';
import {
  DataFileWriter,
  DEFAULT_TARGET_FILE_BYTES,
  resolveCompression,
  WriteBacklog,
  type ParquetWriteOptions,
} from './data-file-writer.js';

/**
 * Names data files as Iceberg Java's OutputFileFactory does: `<partitionId>-<taskId>-<operationId>-<fileCount>`
 * (`00000-0-6cd7611f-…-00001.parquet`), unique across all the writers that share one namer.
 */
export class DataFileNamer {
  private count = 0;
  constructor(
    readonly operationId: string = randomUUID(),
    readonly partitionId = 0,
    readonly taskId = 0,
  ) {}

  next(): string {
    this.count++;
    return `${String(this.partitionId).padStart(5, '0')}-${this.taskId}-${this.operationId}-${String(this.count).padStart(5, '0')}.parquet`;
  }
}

export interface RollingDataFileWriterOptions extends ParquetWriteOptions {
  /** directory the files go to, e.g. `<table location>/data` or `<table location>/data/<partition path>` */
  directory: string;
  /** a new file's location from its name (default `<directory>/<name>`): spec/location-provider.ts's rule */
  locate?: (fileName: string) => string;
  /** the files' partition tuple, keyed by partition field name ({} for unpartitioned tables) */
  partition?: PartitionValues;
  /** start a new file once the current one reaches this many compressed bytes (default 512 MiB) */
  targetFileBytes?: number;
  /** file names (default: a new DataFileNamer) */
  namer?: DataFileNamer;
  /** finished files being uploaded at once before write() callers should await drain() (default 2) */
  maxPendingUploads?: number;
}

export class RollingDataFileWriter {
  private current: DataFileWriter | undefined;
  /** each rolled file's DataFile (empty until its upload completed), in the order the files were started */
  private readonly files: DataFile[][] = [];
  private readonly pending = new Set<Promise<void>>();
  private failure: unknown;
  private readonly namer: DataFileNamer;
  private readonly targetFileBytes: number;
  private closed = false;
  private rowNumber = 0;
  private readonly backlog: WriteBacklog;

  static async open(options: RollingDataFileWriterOptions): Promise<RollingDataFileWriter> {
    return new RollingDataFileWriter({ ...options, compression: await resolveCompression(options) });
  }

  constructor(private readonly options: RollingDataFileWriterOptions & { compression: Compression }) {
    this.namer = options.namer ?? new DataFileNamer();
    this.backlog = options.backlog ?? new WriteBacklog();
    this.targetFileBytes = options.targetFileBytes ?? DEFAULT_TARGET_FILE_BYTES;
    if (!(this.targetFileBytes > 0))
      throw new RangeError(`targetFileBytes must be positive, got ${this.targetFileBytes}`);
  }

  /** Estimated bytes buffered (not yet encoded) in the open file. */
  get bufferedBytes(): number {
    return this.current?.bufferedBytes ?? 0;
  }

  /** Buffered plus encoded bytes of the open file (its size so far). */
  get heldBytes(): number {
    return this.current ? this.current.bufferedBytes + this.current.encodedBytes : 0;
  }

  /** Whether finished files or encoded bytes are piling up: the caller should await drain() before writing more. */
  get needsDrain(): boolean {
    return this.pending.size >= (this.options.maxPendingUploads ?? 2) || this.backlog.bytes >= this.backlog.maxBytes;
  }

  /**
   * Adds a row; throws SchemaMismatchError (naming column and row, writing nothing of the row) on a bad value.
   * Returns the row's estimated encoded bytes. Finished files upload in the background: await drain() when
   * needsDrain, and close() at the end.
   */
  write(row: Record<string, unknown>, rowNumber?: number): number {
    const n = this.rowNumber++;
    if (this.closed) throw new Error(`rolling writer for ${this.options.directory} is closed`);
    if (this.failure) throw this.failure;
    this.current ??= new DataFileWriter({
      ...this.options,
      backlog: this.backlog,
      location: this.options.locate
        ? this.options.locate(this.namer.next())
        : `${this.options.directory}/${this.namer.next()}`,
    });
    const bytes = this.current.write(row, rowNumber ?? n);
    if (this.current.encodedBytes >= this.targetFileBytes) this.roll();
    return bytes;
  }

  /** Encodes the open file's buffered rows as a row group now (to bound memory). */
  flushRowGroup(): void {
    this.current?.flushRowGroup();
  }

  /** Closes the open file (if any) in the background; the next row starts a new file. */
  roll(): void {
    const w = this.current;
    this.current = undefined;
    if (!w) return;
    const slot: DataFile[] = [];
    this.files.push(slot);
    const p: Promise<void> = w.close().then(
      (files) => {
        slot.push(...files);
        this.pending.delete(p);
      },
      (e: unknown) => {
        this.failure ??= e;
        this.pending.delete(p);
      },
    );
    this.pending.add(p);
  }

  /** Waits for the uploads in flight (finished files and the open file's encoded bytes); rethrows a failure. */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
    if (this.failure) throw this.failure;
    await this.current?.drain();
  }

  /** Closes the last file and returns every file written, in the order they were started. */
  async close(): Promise<DataFile[]> {
    if (this.closed) throw new Error(`rolling writer for ${this.options.directory} is already closed`);
    this.roll();
    this.closed = true;
    await this.drain();
    return this.files.flat();
  }

  /**
   * Drops buffered rows and the open file (nothing of it is left in storage); files already completed stay and
   * are returned (the caller deletes them if it abandons the commit).
   */
  async abort(): Promise<DataFile[]> {
    this.closed = true;
    const current = this.current;
    this.current = undefined;
    await current?.abort();
    await Promise.allSettled([...this.pending]);
    return this.files.flat();
  }
}
