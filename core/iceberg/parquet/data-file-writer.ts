// DataFileWriter: rows -> ONE Parquet data file -> its DataFile (manifest entry content) with metrics.
// Rows are buffered per column; a row group is encoded when the buffered rows reach `rowGroupBytes`, and its
// bytes stream to storage at once (FileIO.create: a temp file renamed at close, or an S3 multipart upload), so
// memory holds one row group, never the file. close() completes the file and returns the DataFile. This file is
// the folder's template: the rolling and partitioned writers mirror its options, open() and close().
import { DataContent, type DataFile, type PartitionValues } from '../spec/manifest.js';
import type { Schema } from '../spec/types.js';
import { createOutputFile, type FileIO, type OutputFile } from '../io/file-io.js';
import { ColumnBuffers } from './column-buffers.js';
import { loadCompression, type Compression, type CompressionOptions, type ParquetCodec } from './compression.js';
import { dataFileMetrics, DEFAULT_METRICS_MODE, type MetricsConfig } from './metrics.js';
import { ENCODER_LIBRARY, ParquetEncoder } from './parquet-encoder.js';

/**
 * Row group size in bytes of buffered rows (values as the writer holds them: PLAIN bytes for strings and
 * binary, dictionary indexes, 4/8 bytes per number, levels): Iceberg's write.parquet.row-group-size-bytes
 * default, 128 MiB. A row group is the unit of memory (it is buffered, then encoded and streamed out); peak RSS
 * for 1M order rows is in docs/benchmarks.md "## parquet".
 */
export const DEFAULT_ROW_GROUP_BYTES = 128 * 1024 * 1024;
/** Iceberg's write.target-file-size-bytes default (512 MiB), compared with the compressed file size. */
export const DEFAULT_TARGET_FILE_BYTES = 512 * 1024 * 1024;
/** Encoded bytes waiting for storage past which writers ask their caller to await drain(). */
export const DEFAULT_MAX_BACKLOG_BYTES = 16 * 1024 * 1024;

export const CREATED_BY = `shoplake version 0.1.0 (build ${ENCODER_LIBRARY})`;

/**
 * Encoded bytes handed to storage but not yet written, shared by the DataFileWriters of one rolling or
 * partitioned writer, so that `needsDrain` is one comparison.
 */
export class WriteBacklog {
  bytes = 0;
  constructor(readonly maxBytes = DEFAULT_MAX_BACKLOG_BYTES) {}
}

/** Options shared by DataFileWriter, RollingDataFileWriter and PartitionedDataFileWriter. */
export interface ParquetWriteOptions {
  io: FileIO;
  /** the table schema the rows must match */
  schema: Schema;
  /** a row group is encoded once the buffered rows reach this many estimated (uncompressed) bytes */
  rowGroupBytes?: number;
  /** resolved compression; when absent, open() loads `codec` */
  compression?: Compression;
  /** default ZSTD (Iceberg's write.parquet.compression-codec default, and what Athena writes) */
  codec?: ParquetCodec;
  compressionOptions?: CompressionOptions;
  /** metrics modes (default truncate(16) for every column); see metricsConfigFromProperties */
  metrics?: MetricsConfig;
  /** sort order the rows are written in; 0 (unsorted) unless the caller sorted them */
  sortOrderId?: number;
  /** target uncompressed page size, default 1 MiB */
  pageSize?: number;
  /** shared write backlog (the rolling and partitioned writers pass theirs) */
  backlog?: WriteBacklog;
}

export interface DataFileWriterOptions extends ParquetWriteOptions {
  /** absolute location of the file to write */
  location: string;
  /** the file's partition tuple, keyed by partition field name ({} for unpartitioned tables) */
  partition?: PartitionValues;
}

/** Resolves options.compression once, for writers that create more writers. */
export async function resolveCompression(options: ParquetWriteOptions): Promise<Compression> {
  return options.compression ?? loadCompression(options.codec ?? 'ZSTD', options.compressionOptions);
}

const schemaJsonCache = new WeakMap<Schema, string>();

/** The footer's iceberg.schema value, once per schema object (a partitioned write opens hundreds of files). */
function schemaJson(schema: Schema): string {
  let json = schemaJsonCache.get(schema);
  if (json === undefined) {
    json = JSON.stringify(schema, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
    schemaJsonCache.set(schema, json);
  }
  return json;
}

export class DataFileWriter {
  readonly location: string;
  private readonly buffers: ColumnBuffers;
  private readonly encoder: ParquetEncoder;
  private readonly rowGroupBytes: number;
  private readonly backlog: WriteBacklog;
  private output: OutputFile | undefined;
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown;
  private recordCount = 0;
  private rowNumber = 0;
  private closed = false;

  /** Opens a writer, loading the compression codec first when options.compression is not given. */
  static async open(options: DataFileWriterOptions): Promise<DataFileWriter> {
    return new DataFileWriter({ ...options, compression: await resolveCompression(options) });
  }

  constructor(private readonly options: DataFileWriterOptions & { compression: Compression }) {
    this.location = options.location;
    this.rowGroupBytes = options.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES;
    if (!(this.rowGroupBytes > 0)) throw new RangeError(`rowGroupBytes must be positive, got ${this.rowGroupBytes}`);
    this.backlog = options.backlog ?? new WriteBacklog();
    this.buffers = new ColumnBuffers(options.schema);
    this.encoder = new ParquetEncoder({
      schema: this.buffers.parquetSchema,
      compression: options.compression,
      // Iceberg Java/Spark write the table schema into the footer; Athena does not need it
      keyValueMetadata: [{ key: 'iceberg.schema', value: schemaJson(options.schema) }],
      createdBy: CREATED_BY,
      pageSize: options.pageSize,
      sink: (chunk) => this.enqueue(chunk),
    });
  }

  /** Rows accepted so far. */
  get rows(): number {
    return this.recordCount;
  }

  /** Estimated bytes buffered in the current (not yet encoded) row group. */
  get bufferedBytes(): number {
    return this.buffers.bytes;
  }

  /** Compressed bytes of the file so far (the row groups encoded, streamed out or on their way). */
  get encodedBytes(): number {
    return this.encoder.bytesWritten;
  }

  /** Whether encoded bytes are piling up faster than storage takes them: await drain() before writing more. */
  get needsDrain(): boolean {
    return this.backlog.bytes >= this.backlog.maxBytes;
  }

  /**
   * Adds a row (DESIGN.md representation). Throws SchemaMismatchError, naming the column and the row, when a
   * value does not fit the schema; the row is then not written and the writer stays usable.
   * Returns the row's estimated bytes. `rowNumber` labels errors (default: rows offered so far).
   */
  write(row: Record<string, unknown>, rowNumber?: number): number {
    if (this.closed) throw new Error(`data file ${this.location} is already closed`);
    if (this.failure) throw this.failure;
    const n = this.rowNumber++;
    const bytes = this.buffers.add(row, rowNumber ?? n);
    this.recordCount++;
    if (this.buffers.bytes >= this.rowGroupBytes) this.flushRowGroup();
    return bytes;
  }

  /** Encodes the buffered rows as a row group now and starts streaming it out (to bound memory). */
  flushRowGroup(): void {
    const rows = this.buffers.rows;
    if (rows === 0) return;
    try {
      const stats = this.buffers.chunkStats();
      this.encoder.writeRowGroup(this.buffers.leaves, stats, rows);
    } catch (e) {
      this.failure ??= e; // the file is broken: write() and close() rethrow
      throw e;
    }
    this.buffers.reset();
  }

  /** Waits until the bytes encoded so far are written to storage; rethrows a write failure. */
  async drain(): Promise<void> {
    await this.writing;
  }

  private enqueue(chunk: Uint8Array): void {
    const out = (this.output ??= createOutputFile(this.options.io, this.location));
    const size = chunk.length;
    this.backlog.bytes += size;
    const done = (): void => {
      this.backlog.bytes -= size;
    };
    this.writing = this.writing.then(
      () =>
        out.write(chunk).then(done, (e: unknown) => {
          done();
          this.failure ??= e;
          throw e;
        }),
      (e: unknown) => {
        done(); // an earlier chunk failed: this one is never written
        throw e;
      },
    );
    this.writing.catch(() => undefined); // surfaced by drain()/close()
  }

  /**
   * Finishes the file (footer), waits until storage has all of it and returns its DataFile (none when no row
   * was written: no file is created then). On failure nothing is left at the location.
   */
  async close(): Promise<DataFile[]> {
    if (this.closed) throw new Error(`data file ${this.location} is already closed`);
    this.closed = true;
    if (this.recordCount === 0) {
      this.encoder.dispose();
      return [];
    }
    let encoded;
    try {
      if (this.failure) throw this.failure;
      this.flushRowGroup();
      encoded = this.encoder.finish();
      await this.writing;
      await this.output!.close();
    } catch (e) {
      await this.discard();
      throw e;
    } finally {
      this.buffers.release();
    }
    const metrics = dataFileMetrics(
      this.buffers.stats(),
      encoded.columnSizes,
      this.options.metrics ?? { default: DEFAULT_METRICS_MODE },
    );
    return [
      {
        content: DataContent.Data,
        file_path: this.location,
        file_format: 'PARQUET',
        partition: this.options.partition ?? {},
        record_count: this.recordCount,
        file_size_in_bytes: encoded.size,
        ...metrics,
        key_metadata: null,
        split_offsets: encoded.rowGroupOffsets,
        equality_ids: null,
        sort_order_id: this.options.sortOrderId ?? 0,
      },
    ];
  }

  /** Drops the buffered rows and whatever was streamed: no file is left at the location. */
  async abort(): Promise<void> {
    this.closed = true;
    this.buffers.release();
    this.encoder.dispose();
    await this.discard();
  }

  private async discard(): Promise<void> {
    await this.writing.catch(() => undefined);
    await this.output?.abort().catch(() => undefined);
  }
}
