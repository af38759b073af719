// Write: the rows of one table in one batch -> Parquet data files under the table's data location, through
// core/iceberg/parquet's PartitionedDataFileWriter (one writer per table per batch; fan-out per partition; files
// roll at the table's target size; buffered bytes bounded). Nothing is committed here: exactly-once.ts does that.
// The writer follows the table's current schema, default spec and write properties, as the catalog has them
// (write.parquet.compression-codec and write.parquet.compression-level included: the table's settings win over the
// pipeline's default level).
import type { LoadedTable } from '../iceberg/catalog/catalog.js';
import { PartitionedDataFileWriter, metricsConfigFromProperties, tableCompression } from '../iceberg/parquet/index.js';
import type { Compression, DataFileNamer, ParquetCodec } from '../iceberg/parquet/index.js';
import { currentSchema } from '../iceberg/scan/plan-files.js';
import type { DataFile } from '../iceberg/spec/manifest.js';
import { intProperty } from '../iceberg/spec/table-properties.js';
import { locationProvider } from '../iceberg/spec/location-provider.js';

export interface TableWriterOptions {
  /** Files a commit would hold at most this big (the table's write.target-file-size-bytes wins). */
  targetFileBytes: number;
  /** Rows buffered before they are encoded as a row group, over all the table's partitions. */
  bufferBytes: number;
  namer: DataFileNamer;
  /**
   * zstd level when the table sets no write.parquet.compression-level (other codecs then use their own default).
   * Undefined: the codec's default (zstd 3).
   */
  zstdLevel?: number;
  /** Loaded compressors, shared by all writers of the process. */
  compression: (codec: ParquetCodec, level: number | undefined) => Promise<Compression>;
}

export class TableWriter {
  rows = 0;
  private closed: DataFile[] | undefined;

  private constructor(
    readonly name: string,
    private readonly writer: PartitionedDataFileWriter,
  ) {}

  static async open(name: string, table: LoadedTable, options: TableWriterOptions): Promise<TableWriter> {
    const m = table.metadata;
    const props = m.properties ?? {};
    const spec = m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id']);
    if (!spec) throw new Error(`${name}: default partition spec ${m['default-spec-id']} is missing`);
    const schema = currentSchema(m);
    const { codec, level } = tableCompression(props, options.zstdLevel);
    const writer = await PartitionedDataFileWriter.open({
      io: table.io,
      schema,
      spec,
      locations: locationProvider(m),
      targetFileBytes: intProperty(props, 'write.target-file-size-bytes', options.targetFileBytes),
      rowGroupBytes: options.bufferBytes,
      maxBufferedBytes: options.bufferBytes,
      compression: await options.compression(codec, level),
      metrics: metricsConfigFromProperties(props, schema),
      namer: options.namer,
    });
    return new TableWriter(name, writer);
  }

  /** Adds a row (keyed by column name, DESIGN.md values). A row that does not fit the schema throws, naming the column. */
  write(row: Record<string, unknown>): void {
    try {
      this.writer.write(row);
    } catch (e) {
      throw new Error(`${this.name}: row does not fit the table schema: ${(e as Error).message}`, { cause: e });
    }
    this.rows++;
  }

  get needsDrain(): boolean {
    return this.writer.needsDrain;
  }

  drain(): Promise<void> {
    return this.writer.drain();
  }

  /** Finishes every file; returns the data files to commit. */
  async close(): Promise<DataFile[]> {
    this.closed ??= await this.writer.close();
    return this.closed;
  }
}
