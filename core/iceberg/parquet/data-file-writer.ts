// DataFileWriter: rows -> ONE Parquet data file -> its DataFile (manifest entry content) with metrics.
// Rows are buffered per column; a row group is encoded when the buffered rows' estimated encoded size reaches
// `rowGroupBytes`. close() writes the file through FileIO and returns the DataFile. This file is the folder's
// template: the rolling and partitioned writers mirror its options, open() and close().
import { DataContent, type DataFile, type PartitionValues } from '../spec/manifest.js';
import type { Schema } from '../spec/types.js';
import type { FileIO } from '../io/file-io.js';
import { ColumnBuffers } from './column-buffers.js';
import { loadCompression, type Compression, type CompressionOptions, type ParquetCodec } from './compression.js';
import { dataFileMetrics, DEFAULT_METRICS_MODE, type MetricsConfig } from './metrics.js';
import { ENCODER_LIBRARY, ParquetEncoder } from './parquet-encoder.js';
import { toParquetSchema } from './parquet-schema.js';

/**
 * Row group size in ESTIMATED UNCOMPRESSED (plain-encoded) bytes of buffered rows. Iceberg's
 * write.parquet.row-group-size-bytes defaults to 128 MiB, but measured on parquet-mr's compressed page buffers;
 * here rows wait as JS values and hyparquet-writer's encoding needs several times their size transiently, so the
 * default is 8 MiB (about 36k order rows, 2-3 MB compressed), which keeps a 1M-row write under 400 MB RSS
 * (docs/benchmarks.md "## parquet"). Raise it where memory allows.
 */
export const DEFAULT_ROW_GROUP_BYTES = 8 * 1024 * 1024;
/** Iceberg's write.target-file-size-bytes default (512 MiB), compared with the compressed file size. */
export const DEFAULT_TARGET_FILE_BYTES = 512 * 1024 * 1024;

export const CREATED_BY = `shoplake version 0.1.0 (build ${ENCODER_LIBRARY})`;

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

function schemaJson(schema: Schema): string {
  return JSON.stringify(schema, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

export class DataFileWriter {
  readonly location: string;
  private readonly buffers: ColumnBuffers;
  private readonly encoder: ParquetEncoder;
  private readonly rowGroupBytes: number;
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
    this.buffers = new ColumnBuffers(options.schema);
    this.encoder = new ParquetEncoder({
      schema: toParquetSchema(options.schema),
      compression: options.compression,
      // Iceberg Java/Spark write the table schema into the footer; Athena does not need it
      keyValueMetadata: [{ key: 'iceberg.schema', value: schemaJson(options.schema) }],
      createdBy: CREATED_BY,
      pageSize: options.pageSize,
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

  /** Compressed bytes of the row groups encoded so far. */
  get encodedBytes(): number {
    return this.encoder.bytesWritten;
  }

  /**
   * Adds a row (DESIGN.md representation). Throws SchemaMismatchError, naming the column and the row, when a
   * value does not fit the schema; the row is then not written and the writer stays usable.
   * Returns the row's estimated encoded bytes. `rowNumber` labels errors (default: rows offered so far).
   */
  write(row: Record<string, unknown>, rowNumber?: number): number {
    if (this.closed) throw new Error(`data file ${this.location} is already closed`);
    const n = this.rowNumber++;
    const bytes = this.buffers.add(row, rowNumber ?? n);
    this.recordCount++;
    if (this.buffers.bytes >= this.rowGroupBytes) this.flushRowGroup();
    return bytes;
  }

  /** Encodes the buffered rows as a row group now (to bound memory). */
  flushRowGroup(): void {
    if (this.buffers.rows === 0) return;
    const { rows, columns } = this.buffers.take();
    this.encoder.writeRowGroup(columns, rows);
  }

  /**
   * Finishes the file, writes it through FileIO and returns its DataFile (none when no row was written: no
   * file is created then).
   */
  async close(): Promise<DataFile[]> {
    if (this.closed) throw new Error(`data file ${this.location} is already closed`);
    this.closed = true;
    if (this.recordCount === 0) return [];
    this.flushRowGroup();
    const encoded = this.encoder.finish();
    const bytes = concat(encoded.chunks, encoded.size);
    encoded.chunks.length = 0;
    await this.options.io.write(this.location, bytes);
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

  /** Drops the buffered rows without writing anything. */
  abort(): void {
    this.closed = true;
    for (const _ of this.buffers.take().columns); // drain the buffers
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]!.length === size) return chunks[0]!;
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
